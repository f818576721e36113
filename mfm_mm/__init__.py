"""MFM, ConMIM and FAMT for OpenMMLab.

Importing the package registers its transforms, models and hooks in the OpenMMLab registries
(and the ``atomic_local`` file backend), so a config with
``custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)`` can use them with any
OpenMMLab tool. Nothing else changes: :mod:`mfm_mm.compat` adapts a dependency only where the
installed stack is broken without it, and the project's checkpoint guarantees are switched on
by its configs and tools, not by this import.
"""
from . import compat

compat.apply()

from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401

__version__ = '0.1.0'
