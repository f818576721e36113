"""Safe loading of pre-trained backbones from mmengine training checkpoints."""
import os
import os.path as osp
from typing import Dict, Optional

import torch

from ..fileio import load_checkpoint_file

Weights = Dict[str, torch.Tensor]


def load_backbone_weights(path: str, prefix: str = 'backbone.') -> Weights:
    """Loads the backbone weights of a pre-training checkpoint safely.

    Args:
        path: An mmengine checkpoint (``{'state_dict': ...}``) or a bare state dict.
        prefix: Prefix of the backbone keys in the checkpoint.

    Returns:
        The backbone tensors, keyed without ``prefix``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a checkpoint, pickles code (see
            :func:`mfm_mm.fileio.load_checkpoint_file`) or holds no ``prefix`` keys.
    """
    checkpoint = load_checkpoint_file(path, map_location='cpu')
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
