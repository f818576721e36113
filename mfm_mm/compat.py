"""Stack compatibility: the only place where ``mfm_mm`` adapts its dependencies.

Each fix below is active only when the condition it fixes is present, so on a GPU machine
with the OpenMMLab wheels (CUDA torch/torchvision, full mmcv) this module changes nothing:

1. ``torchvision`` from PyPI is a CUDA build; beside a CPU-only torch its import dies with
   ``operator torchvision::nms does not exist``. Declaring the two op schemas first lets its
   pure-Python parts (transforms) import; its compiled ops stay unavailable.
2. ``mmcv-lite`` has no ``mmcv._ext``; mmseg imports ``mmcv.ops`` unguarded. A stand-in
   ``mmcv.ops`` exposes the pure-Python ``point_sample`` and fails clearly for compiled ops.
3. mmengine's ``init_dist`` calls ``torch.cuda.set_device`` unconditionally, which raises on a
   CPU-only torch. Without CUDA it becomes a no-op (nothing to select).
4. torch >= 2.6 loads checkpoints with ``weights_only=True``; mmengine's own checkpoints carry
   its ``HistoryBuffer``, numpy arrays and, for the buffer's statistics methods,
   ``getattr(HistoryBuffer, 'mean')``. Those data classes are allow-listed, and ``getattr`` is
   replaced by :func:`history_buffer_getattr`, which resolves exactly those methods and
   refuses anything else. Every ``torch.load`` stays in safe mode (resume, ``load_from``,
   ``init_cfg``), and local loads through mmengine name the file when they refuse one.
5. mmengine writes local files (checkpoints, ``last_checkpoint``) in place, so a process killed
   mid-write leaves a truncated checkpoint. Local writes go to a temporary name in the same
   folder and are renamed over the target, which is atomic.
6. mmpretrain and mmseg resize relative position bias tables (BEiT-style ViTs fine-tuned at
   another resolution, e.g. ADE20K at 512) with ``scipy.interpolate.interp2d``, which SciPy
   1.14 removed (it now raises ``NotImplementedError``). A grid-only stand-in with the same
   call signature, built on ``RectBivariateSpline`` (what ``interp2d`` did on grids), replaces
   it only when the original is gone.
"""
import importlib
import importlib.util
import os
import pickle
import re
import sys
import types
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


def patch_cuda_set_device() -> None:
    """Makes ``torch.cuda.set_device`` a no-op on machines without CUDA."""
    if torch.cuda.is_available() or getattr(torch.cuda.set_device, '_mfm_mm', False):
        return

    def set_device(device) -> None:
        """No CUDA device: nothing to select (``mfm_mm.compat``)."""

    set_device._mfm_mm = True
    torch.cuda.set_device = set_device
    APPLIED.append('cpu-set-device')


def history_buffer_getattr(owner, name: str):
    """The only ``getattr`` a checkpoint may call: ``HistoryBuffer``'s statistics methods.

    Args:
        owner: What the pickle asks an attribute of.
        name: The attribute.

    Returns:
        The method, when ``owner`` is ``HistoryBuffer`` and ``name`` one of its statistics.

    Raises:
        pickle.UnpicklingError: For anything else.
    """
    from mmengine.logging import HistoryBuffer
    if owner is HistoryBuffer and name in ('min', 'max', 'current', 'mean'):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(f'checkpoint asks for getattr({owner!r}, {name!r}): refused')


def allow_mmengine_checkpoints() -> None:
    """Allow-lists what mmengine stores in its checkpoints (data only) for safe loading."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    safe = [HistoryBuffer, np.ndarray, np.dtype, np._core.multiarray._reconstruct,
            np._core.multiarray.scalar, (history_buffer_getattr, 'builtins.getattr')]
    safe += [type(np.dtype(code)) for code in 'bBhHiIlLqQefdgFD?']
    torch.serialization.add_safe_globals(safe)
    APPLIED.append('mmengine-checkpoint-allowlist')


def load_local_checkpoint(filename: str, map_location=None):
    """mmengine's loader for local files, in safe mode, with errors that name the file.

    Args:
        filename: Checkpoint path.
        map_location: As in ``torch.load``.

    Returns:
        The loaded object.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file is not a complete checkpoint, or it pickles code.
    """
    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r'GLOBAL (\S+)|getattr\([^)]*\)', str(err))
        if found:
            what = found.group(0).replace('GLOBAL ', '')
            raise ValueError(f'refused to load {filename}: it would run {what} while '
                             'unpickling; only plain weights and mmengine training state are '
                             'loaded') from None
        raise ValueError(f'{filename} is not a PyTorch checkpoint '
                         f'({str(err).splitlines()[0]})') from None
    except (RuntimeError, EOFError) as err:
        raise ValueError(f'{filename} is not a PyTorch checkpoint, or it is truncated '
                         f'({str(err).splitlines()[0]})') from None


def register_checkpoint_loader() -> None:
    """Makes mmengine load local checkpoints through :func:`load_local_checkpoint`."""
    from mmengine.runner import CheckpointLoader
    CheckpointLoader.register_scheme(prefixes='', force=True)(load_local_checkpoint)
    APPLIED.append('safe-checkpoint-loader')


def make_local_writes_atomic() -> None:
    """Makes mmengine's ``LocalBackend.put`` / ``put_text`` write-then-rename."""
    from mmengine.fileio.backends import LocalBackend
    if getattr(LocalBackend.put, '_mfm_mm', False):
        return

    def put(self, obj: bytes, filepath) -> None:
        filepath = str(filepath)
        os.makedirs(os.path.dirname(os.path.abspath(filepath)), exist_ok=True)
        partial = f'{filepath}.{os.getpid()}.partial'
        with open(partial, 'wb') as f:
            f.write(obj)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, filepath)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        put(self, obj.encode(encoding), filepath)

    put._mfm_mm = True
    LocalBackend.put, LocalBackend.put_text = put, put_text
    APPLIED.append('atomic-local-writes')


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
        interpolate.interp2d([0, 1], [0, 1], [[0, 0], [0, 0]])
    except NotImplementedError:
        interpolate.interp2d = GridInterp2d
        APPLIED.append('scipy-interp2d')


def apply() -> None:
    """Applies every fix this machine needs (idempotent)."""
    global _DONE
    if _DONE:
        return
    _DONE = True
    patch_torchvision()
    patch_cuda_set_device()
    allow_mmengine_checkpoints()
    register_checkpoint_loader()
    make_local_writes_atomic()
    patch_scipy_interp2d()
    patch_mmcv_ops()
