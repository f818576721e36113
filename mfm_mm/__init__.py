"""MFM, ConMIM and FAMT for OpenMMLab.

Importing the package registers its transforms and models in mmpretrain's registries, so a
config with ``custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)`` can use
them with any OpenMMLab tool.
"""
from . import compat

compat.apply()

from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401

__version__ = '0.1.0'
