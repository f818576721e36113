"""Loading checkpoints safely: a restricted pickle module for ``torch.load``, data in, code out.

:class:`Unpickler` resolves only the globals that plain weights and training state need (tensor
rebuilders, dtypes, numpy arrays and scalars, mmengine's ``HistoryBuffer`` with its statistics
methods) and turns the config objects that official releases pickle (``yacs.config.CfgNode``,
``argparse.Namespace``) into inert data; every other global is refused, so a pickle that would
run code never runs it. ``torch.load(weights_only=True)`` is no substitute: torch < 2.4 has no
allow-list, and no version loads mmengine's own resume checkpoints (their message hub pickles
``getattr(HistoryBuffer, 'mean')``) or builds dict subclasses such as ``CfgNode``."""
import _codecs
import _compat_pickle
import argparse
import collections
import importlib
import os
import pickle
import sys
import warnings
from typing import Any, Callable, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

# ``torch._utils`` rebuilders that restore tensors from their storages (no user callables)
_REBUILDERS = [getattr(torch._utils, name) for name in (
    '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter',
    '_rebuild_parameter_with_state') if hasattr(torch._utils, name)]


class RefusedGlobal(pickle.UnpicklingError):
    """The pickle names a global that is not plain data (the message says which)."""


class InertConfig(dict):
    """What a pickled ``yacs.config.CfgNode`` becomes: its items, without its behaviour."""

    def __setstate__(self, state: Any) -> None:
        """Drops ``CfgNode``'s bookkeeping attributes (immutability flags and the like)."""


def _history_buffer_getattr(owner: Any, name: str) -> Callable:
    """``getattr`` as mmengine's checkpoints use it: only ``HistoryBuffer`` statistics."""
    if owner is HistoryBuffer and name in ('min', 'max', 'current', 'mean'):
        return getattr(HistoryBuffer, name)
    raise RefusedGlobal(f'getattr({getattr(owner, "__name__", owner)!r}, {name!r})')


def _rebuild_from_type_v2(func: Callable, new_type: type, args: Tuple, state: Any):
    """``torch._tensor._rebuild_from_type_v2`` for plain tensors and parameters only."""
    if func not in _REBUILDERS or new_type not in (torch.Tensor, torch.nn.Parameter):
        raise RefusedGlobal(f'a tensor of type {new_type!r}')
    return torch._tensor._rebuild_from_type_v2(func, new_type, args, state)


try:  # numpy >= 1.25: the ``*DType`` classes
    _NUMPY_DTYPES = vars(importlib.import_module('numpy.dtypes'))
except ImportError:
    _NUMPY_DTYPES = {}
# numpy's array and scalar rebuilders, whichever name of their module (numpy 2 renamed
# ``numpy.core`` to ``numpy._core``) the pickle gives
_NUMPY = dict(_reconstruct=np.zeros(0).__reduce__()[0], scalar=np.float64(0).__reduce__()[0])
_NAMED = {
    ('collections', 'OrderedDict'): collections.OrderedDict,
    **{('builtins', cls.__name__): cls for cls in (set, frozenset, complex, slice)},
    ('builtins', 'getattr'): _history_buffer_getattr,
    ('_codecs', 'encode'): _codecs.encode,  # how protocol 2 stores bytes
    ('torch', 'Size'): torch.Size,
    ('torch', 'device'): torch.device,
    ('torch._tensor', '_rebuild_from_type_v2'): _rebuild_from_type_v2,
    ('argparse', 'Namespace'): argparse.Namespace,  # a plain attribute bag
    ('yacs.config', 'CfgNode'): InertConfig,
    ('numpy', 'ndarray'): np.ndarray,
    ('numpy', 'dtype'): np.dtype,
    ('mmengine.logging.history_buffer', 'HistoryBuffer'): HistoryBuffer,
    **{('torch._utils', func.__name__): func for func in _REBUILDERS},
    **{('torch', name): value for name, value in vars(torch).items()
       if isinstance(value, torch.dtype)},
    **{(module, name): func for module in ('numpy.core.multiarray', 'numpy._core.multiarray')
       for name, func in _NUMPY.items()},
    **{('numpy.dtypes', name): value for name, value in _NUMPY_DTYPES.items()
       if isinstance(value, type) and issubclass(value, np.dtype)},
}


class Unpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that resolves only plain-data globals (see the module doc)."""

    def find_class(self, module: str, name: str) -> Any:
        """The allowed object for ``module.name``; :class:`RefusedGlobal` for anything else."""
        # protocol 2 (torch.save's) writes Python 2 names such as __builtin__
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        if (module, name) not in _NAMED:
            raise RefusedGlobal(f'{module}.{name}')
        return _NAMED[module, name]


def load(file, **kwargs) -> Any:
    """``pickle.load`` with :class:`Unpickler` (torch reads legacy headers with it)."""
    return Unpickler(file, **kwargs).load()


def load_checkpoint_file(filename: str, map_location: Any = None) -> Any:
    """``torch.load`` through :class:`Unpickler` (plain data only), on every torch >= 2.0.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file is not a complete checkpoint, or it pickles code.
    """
    filename = os.path.expanduser(str(filename))
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', FutureWarning)  # torch 2.4/2.5 on weights_only=False
            return torch.load(filename, map_location=map_location,
                              pickle_module=sys.modules[__name__], weights_only=False)
    except RefusedGlobal as err:
        raise ValueError(f'refused to load {filename}: it would run {err} while unpickling; '
                         'only weights, training state and the config objects of official '
                         'releases are loaded') from None
    except MemoryError:
        raise
    except OSError as err:
        raise ValueError(f'cannot read {filename}: {err.strerror or err}') from None
    except Exception as err:  # any parse failure: truncated zip, text, foreign pickle
        reason = (str(err).splitlines() or [type(err).__name__])[0]
        raise ValueError(f'{filename} is not a PyTorch checkpoint, or it is truncated '
                         f'({type(err).__name__}: {reason})') from None
