"""Installs the ``mfm_mm`` package (``pip install -e .``) beside the user's torch and mmcv.

``install_requires`` holds version ranges only and never names torch, torchvision or mmcv
(OpenMMLab's convention: those come with the user's CUDA stack; ``mim install -r
requirements/mminstall.txt`` brings a matching mmcv). The exact CPU pins of ``make demo`` /
``make test`` are a separate lock under ``requirements/lock/``.
"""
from pathlib import Path
from typing import Dict, List

from setuptools import find_packages, setup

HERE = Path(__file__).parent


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


setup(
    name='mfm_mm',
    version='0.1.0',
    description='Masked Frequency Modeling (MFM), ConMIM and FAMT for OpenMMLab',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mfm_mm', 'mfm_mm.*']),
    python_requires='>=3.8',
    install_requires=parse_requirements('runtime.txt'),
    extras_require=parse_extras('optional.txt'),
    license='Apache License 2.0',
)
