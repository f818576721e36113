"""Installs the ``mfm_mm`` package (``pip install -e .``).

Dependencies are pinned in ``requirements/``; the Makefile installs them in the tested order
(torch first, the OpenMMLab packages with ``--no-deps``).
"""
from pathlib import Path
from typing import List

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def parse_requirements(*names: str) -> List[str]:
    """Reads pinned requirement lines, skipping comments and blank lines.

    Args:
        names: File names under ``requirements/``.

    Returns:
        The requirement specifiers.
    """
    reqs = []
    for name in names:
        for line in (HERE / 'requirements' / name).read_text().splitlines():
            line = line.split('#', 1)[0].strip()
            if line:
                reqs.append(line)
    return reqs


setup(
    name='mfm_mm',
    version='0.1.0',
    description='Masked Frequency Modeling (MFM), ConMIM and FAMT for OpenMMLab',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mfm_mm', 'mfm_mm.*']),
    package_data={'mfm_mm': ['configs/*.py']},
    python_requires='>=3.8',
    install_requires=parse_requirements('torch.txt', 'runtime.txt', 'mminstall.txt'),
    extras_require={
        'demo': parse_requirements('demo.txt'),
        'tests': parse_requirements('tests.txt', 'demo.txt'),
    },
    license='Apache License 2.0',
)
