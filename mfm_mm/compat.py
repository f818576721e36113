"""Stack compatibility: the only place where importing ``mfm_mm`` adapts its dependencies.

Each fix checks the condition it fixes and is applied only then, so on a stack that needs no
fix (the OpenMMLab GPU wheels: CUDA torch and torchvision, full mmcv, SciPy < 1.14) importing
``mfm_mm`` changes nothing outside its registries. ``APPLIED`` lists what this process needed.

1. ``torchvision`` from PyPI is a CUDA build; beside a CPU-only torch its import dies with
   ``operator torchvision::nms does not exist``. Declaring the two op schemas first lets its
   pure-Python parts (transforms) import; its compiled ops stay unavailable.
   Remove when torchvision publishes CPU wheels on PyPI (or the CPU lock gets one).
2. ``mmcv-lite`` has no ``mmcv._ext``; mmseg imports ``mmcv.ops`` unguarded. A stand-in
   ``mmcv.ops`` exposes the pure-Python ``point_sample`` and fails clearly for compiled ops.
   Remove when mmseg guards its ``mmcv.ops`` imports (or only full mmcv is supported).
3. mmpretrain and mmseg resize relative position bias tables (BEiT-style ViTs fine-tuned at
   another resolution, e.g. ADE20K at 512) with ``scipy.interpolate.interp2d``, which SciPy
   1.14 removed (it now raises ``NotImplementedError``). A grid-only stand-in with the same
   call signature, built on ``RectBivariateSpline`` (what ``interp2d`` did on grids), replaces
   it only when the original is gone.
   Remove when mmpretrain and mmseg stop calling ``interp2d`` (or SciPy < 1.14 is required).
4. With the stand-in ``mmcv.ops`` of fix 2, ``mmcv.cnn.bricks.transformer`` warns at import
   that ``MultiScaleDeformableAttention`` is missing (an op no model here uses; the stand-in
   already fails clearly, naming the op, if one is ever used). That one import runs under a
   filter for exactly this message, only when fix 2 was applied and the module was not
   imported yet; every other warning, and this one in any later process, stays as it is.
   Remove with fix 2.

The project's own guarantees (safe checkpoint loading, resume from a complete checkpoint,
atomic checkpoint writes, the CPU fallback) are not compatibility fixes: the project's
runtime configs and tools switch them on (``SafeCheckpointHook``, ``AtomicLocalBackend``,
:func:`mfm_mm.engine.build_runner`).
"""
import importlib
import importlib.util
import os
import sys
import types
import warnings
from typing import List

import torch

_TV_LIBRARY = None  # a torch.library.Library is unregistered when garbage-collected
APPLIED: List[str] = []  # names of the fixes this process needed, for logs and tests
_DONE = False


def _torchvision_needs_schemas() -> bool:
    try:
        import torchvision  # noqa: F401
    except RuntimeError as err:
        if 'torchvision::' in str(err) and 'does not exist' in str(err):
            for name in [m for m in sys.modules if m.split('.')[0] == 'torchvision']:
                del sys.modules[name]
            return True
        raise
    return False


def patch_torchvision() -> None:
    """Lets a CUDA-built torchvision import beside a CPU-only torch."""
    global _TV_LIBRARY
    if _TV_LIBRARY is not None or not _torchvision_needs_schemas():
        return
    _TV_LIBRARY = torch.library.Library('torchvision', 'DEF')
    for name in ('nms', 'qnms'):
        _TV_LIBRARY.define(
            f'{name}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor')
    importlib.import_module('torchvision')
    APPLIED.append('torchvision-cpu-schemas')


def patch_mmcv_ops() -> None:
    """Installs a pure-Python ``mmcv.ops`` when mmcv's compiled ops are absent."""
    if 'mmcv.ops' in sys.modules or importlib.util.find_spec('mmcv') is None:
        return
    if importlib.util.find_spec('mmcv._ext') is not None:
        return
    import mmcv
    ops_dir = os.path.join(os.path.dirname(mmcv.__file__), 'ops')
    ops = types.ModuleType('mmcv.ops')
    ops.__path__ = [ops_dir]  # submodules still resolve to mmcv's own files
    ops.__file__ = os.path.join(ops_dir, '__init__.py')
    sys.modules['mmcv.ops'] = ops
    mmcv.ops = ops
    point_sample = importlib.import_module('mmcv.ops.point_sample')
    ops.point_sample = point_sample.point_sample
    ops.bilinear_grid_sample = point_sample.bilinear_grid_sample

    def missing_op(name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        # ModuleNotFoundError: mmseg guards its optional ops with exactly this exception.
        raise ModuleNotFoundError(
            f'mmcv.ops.{name} needs the compiled mmcv (mmcv-lite is installed); '
            'install the full mmcv==2.1.0 to use it')

    def sigmoid_focal_loss(*args, **kwargs):
        missing_op('sigmoid_focal_loss')

    ops.sigmoid_focal_loss = sigmoid_focal_loss
    ops.__getattr__ = missing_op
    APPLIED.append('mmcv-lite-ops')


def quiet_mmcv_lite_transformer() -> None:
    """Imports ``mmcv.cnn.bricks.transformer`` without its mmcv-lite warning (fix 4)."""
    if 'mmcv-lite-ops' not in APPLIED or 'mmcv.cnn.bricks.transformer' in sys.modules:
        return
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention')
        importlib.import_module('mmcv.cnn.bricks.transformer')
    APPLIED.append('mmcv-lite-quiet-transformer')


class GridInterp2d:
    """``interp2d(x, y, z, kind)`` on a rectangular grid, as mmpretrain and mmseg call it.

    Args:
        x: Column coordinates, length ``W``.
        y: Row coordinates, length ``H``.
        z: Values of shape ``(H, W)``.
        kind: ``'linear'`` or ``'cubic'`` spline.
    """

    def __init__(self, x, y, z, kind: str = 'linear') -> None:
        from scipy.interpolate import RectBivariateSpline
        degree = {'linear': 1, 'cubic': 3}[kind]
        self.spline = RectBivariateSpline(y, x, z, kx=degree, ky=degree, s=0)

    def __call__(self, x_new, y_new):
        """Values on the grid ``y_new x x_new``, shape ``(len(y_new), len(x_new))``."""
        return self.spline(y_new, x_new)


def patch_scipy_interp2d() -> None:
    """Restores ``scipy.interpolate.interp2d`` for grids where SciPy removed it."""
    from scipy import interpolate
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # SciPy 1.10-1.13 deprecate it
            interpolate.interp2d([0, 1], [0, 1], [[0, 0], [0, 0]])
    except NotImplementedError:
        interpolate.interp2d = GridInterp2d
        APPLIED.append('scipy-interp2d')


def apply() -> None:
    """Applies every fix this stack needs (idempotent)."""
    global _DONE
    if _DONE:
        return
    _DONE = True
    patch_torchvision()
    patch_scipy_interp2d()
    patch_mmcv_ops()
    quiet_mmcv_lite_transformer()
