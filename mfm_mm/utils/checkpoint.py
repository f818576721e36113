"""Safe loading of pre-trained backbones from mmengine training checkpoints."""
import os
import os.path as osp
import pickle
from typing import Callable, Dict, Optional

import torch

Weights = Dict[str, torch.Tensor]
BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')  # HistoryBuffer's own methods


def _history_buffer_method(owner: type, name: str) -> Callable:
    """Stands in for ``builtins.getattr`` while unpickling a training checkpoint.

    mmengine's ``HistoryBuffer`` pickles its statistics methods as ``getattr(cls, name)``
    (and registers them on the class when unpickled). Only those lookups are answered, so a
    ``weights_only=True`` load of a pre-trained checkpoint can never reach anything else.

    Raises:
        pickle.UnpicklingError: Any other ``getattr`` in the file.
    """
    from mmengine.logging import HistoryBuffer
    if owner is HistoryBuffer and (name in BUILTIN_STATISTICS
                                   or name in HistoryBuffer._statistics_methods):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(f'refused getattr({owner!r}, {name!r})')


def load_backbone_weights(path: str, prefix: str = 'backbone.') -> Weights:
    """Loads the backbone weights of a pre-training checkpoint with ``weights_only=True``.

    Args:
        path: An mmengine checkpoint (``{'state_dict': ...}``) or a bare state dict.
        prefix: Prefix of the backbone keys in the checkpoint.

    Returns:
        The backbone tensors, keyed without ``prefix``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a weights-only checkpoint or holds no ``prefix`` keys.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        with torch.serialization.safe_globals([(_history_buffer_method, 'builtins.getattr')]):
            checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # torch raises pickle, zip and runtime errors alike
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        unpickler = [line for line in lines if line.startswith('WeightsUnpickler error')]
        reason = (unpickler or lines or [type(err).__name__])[0]
        raise ValueError(f'{path} is not a PyTorch checkpoint that loads with '
                         f'weights_only=True ({reason})') from None
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state_dict, dict):
        raise ValueError(f'{path} holds a {type(checkpoint).__name__}, not a state dict')
    weights = {key[len(prefix):]: value for key, value in state_dict.items()
               if key.startswith(prefix) and isinstance(value, torch.Tensor)}
    if not weights:
        found = ', '.join(sorted({key.split('.')[0] for key in state_dict})[:8]) or 'nothing'
        raise ValueError(f'{path} has no backbone weights: no key starts with "{prefix}" '
                         f'(top-level names: {found})')
    return weights


def save_weights(weights: Weights, path: str, meta: Optional[dict] = None) -> str:
    """Saves ``{'state_dict': weights, 'meta': meta}`` atomically (plain tensors only).

    Args:
        weights: The tensors to save.
        path: Output file; its folder is created.
        meta: JSON-like information about the conversion.

    Returns:
        ``path``.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    partial = f'{path}.{os.getpid()}.tmp'
    torch.save(dict(state_dict=weights, meta=meta or {}), partial)
    os.replace(partial, path)
    return path
