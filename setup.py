"""Installs the ``mfm_mm`` package (``pip install -e .``) beside the user's torch and mmcv.

``install_requires`` holds version ranges only and never names torch, torchvision or mmcv
(OpenMMLab's convention: those come with the user's CUDA stack; ``mim install -r
requirements/mminstall.txt`` brings a matching mmcv). The exact CPU pins of ``make demo`` /
``make test`` are a separate lock under ``requirements/lock/``.

The OpenMMLab ``.mim`` extension (as in mmpretrain): at install the configs, the tools and
``model-index.yml`` are linked (editable install) or copied (wheel, sdist) into
``mfm_mm/.mim/``, where ``mim search / train / test mfm_mm`` look for them.
"""
import shutil
import sys
from pathlib import Path
from typing import Dict, List

from setuptools import find_packages, setup

HERE = Path(__file__).parent
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def parse_requirements(name: str) -> List[str]:
    """Reads requirement lines of ``requirements/<name>``, without comments and blank lines.

    Args:
        name: File name under ``requirements/``.

    Returns:
        The requirement specifiers.
    """
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [line.split('#', 1)[0].strip() for line in lines if line.split('#', 1)[0].strip()]


def parse_extras(name: str) -> Dict[str, List[str]]:
    """Groups ``requirements/<name>`` by the extra named in each line's comment.

    Args:
        name: File name under ``requirements/``; lines read ``spec  # extra``.

    Returns:
        ``{extra: [specifiers]}``.
    """
    extras: Dict[str, List[str]] = {}
    for line in (HERE / 'requirements' / name).read_text().splitlines():
        spec, _, extra = line.partition('#')
        if spec.strip():
            extras.setdefault(extra.strip(), []).append(spec.strip())
    return extras


def add_mim_extension() -> None:
    """Links or copies :data:`MIM_FILES` into ``mfm_mm/.mim/`` for openmim.

    Symlinks for an editable install (``develop``, ``editable_wheel``), copies when a wheel
    or an sdist is built; other setup commands (metadata, egg_info) leave ``.mim`` alone.
    """
    if {'develop', 'editable_wheel'} & set(sys.argv):
        link = True
    elif {'sdist', 'bdist_wheel'} & set(sys.argv):
        link = False
    else:
        return
    mim_dir = HERE / 'mfm_mm' / '.mim'
    mim_dir.mkdir(exist_ok=True)
    for name in MIM_FILES:
        source, target = HERE / name, mim_dir / name
        if not source.exists():  # building a wheel from the sdist: .mim is already filled
            continue
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
        if link:
            target.symlink_to(Path('..', '..', name))
        elif source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(source, target)


add_mim_extension()
setup(
    name='mfm_mm',
    version='0.1.0',
    description='Masked Frequency Modeling (MFM), ConMIM and FAMT for OpenMMLab',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mfm_mm', 'mfm_mm.*']),
    include_package_data=True,  # mfm_mm/.mim and the package's data files (MANIFEST.in)
    python_requires='>=3.8',
    install_requires=parse_requirements('runtime.txt'),
    extras_require=parse_extras('optional.txt'),
    license='Apache License 2.0',
    zip_safe=False,
)
