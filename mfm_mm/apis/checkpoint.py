"""Safe loading of backbone weights: this project's checkpoints and the official releases."""
import io
import os
import os.path as osp
from typing import Any, Dict, Optional, Tuple

import torch

from ..engine.runner.safe_load import load_checkpoint_file
from ..engine.runner.safe_write import AtomicLocalBackend, DiskWriteError, remove_stale_partials
from .convert_weights import (Release, Weights, family_of, from_official, release_to_mmseg,
                              to_classifier)

# where the official releases keep their weights (MFM / ConMIM / MAE, deepspeed, timm)
_CONTAINERS = ('model', 'module', 'state_dict')


class UnknownFormat(ValueError):
    """A checkpoint that is neither this project's nor an official release's."""


def _tensors(state_dict: Any) -> Dict[str, torch.Tensor]:
    """The tensor entries of a state dict (empty for anything else)."""
    if not isinstance(state_dict, dict):
        return {}
    return {key: value for key, value in state_dict.items() if isinstance(value, torch.Tensor)}


def _load_dict(path: str) -> dict:
    """Loads ``path`` safely and checks that it holds a dict."""
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path} holds a {type(checkpoint).__name__}, not a checkpoint dict')
    return checkpoint


def _top_level(state_dict: dict) -> str:
    """The first top-level names of ``state_dict``, for error messages."""
    return ', '.join(sorted({str(key).split('.')[0] for key in state_dict})[:8]) or 'nothing'


def load_backbone_weights(path: str, prefix: str = 'backbone.') -> Weights:
    """Loads the backbone weights of a training checkpoint safely.

    Args:
        path: An mmengine checkpoint (``{'state_dict': ...}``) or a bare state dict.
        prefix: Prefix of the backbone keys in the checkpoint.

    Returns:
        The backbone tensors, keyed without ``prefix``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a checkpoint, pickles code (see
            :func:`mfm_mm.engine.runner.load_checkpoint_file`) or holds no ``prefix`` keys.
    """
    checkpoint = _load_dict(path)
    state_dict = checkpoint.get('state_dict', checkpoint)
    weights = {key[len(prefix):]: value for key, value in _tensors(state_dict).items()
               if key.startswith(prefix)}
    if not weights:
        raise ValueError(f'{path} has no backbone weights: no key starts with "{prefix}" '
                         f'(top-level names: {_top_level(state_dict)})')
    return weights


def load_release(path: str) -> Release:
    """Loads the backbone (and head) of this project's checkpoints or an official release.

    Args:
        path: A checkpoint of this project (``backbone.*`` under ``state_dict``) or an official
            MFM / ConMIM / MAE / timm release (weights under ``model``, ``module`` or
            ``state_dict``, or a bare state dict; config objects are loaded as inert data).

    Returns:
        The weights in mmpretrain's names, with what was detected in ``format``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        UnknownFormat: ``path`` is a checkpoint of no known format.
        ValueError: ``path`` is not a checkpoint or pickles code.
    """
    return release_from(_load_dict(path), path)


def release_from(checkpoint: dict, path: str) -> Release:
    """The backbone (and head) of a checkpoint dict already loaded from ``path``.

    Args:
        checkpoint: What :func:`mfm_mm.engine.runner.load_checkpoint_file` returned for ``path``.
        path: The file, for error messages.

    Returns:
        As :func:`load_release`.

    Raises:
        UnknownFormat: ``checkpoint`` is of no known format.
    """
    own = _tensors(checkpoint.get('state_dict', checkpoint))
    if any(key.startswith('backbone.') for key in own):
        backbone = {key[len('backbone.'):]: value for key, value in own.items()
                    if key.startswith('backbone.')}
        # the rest (pre-training heads, necks, a teacher) has no place in a downstream model
        return Release(format="mfm_mm checkpoint (backbone.* under 'state_dict')",
                       family=family_of(backbone), backbone=backbone)
    container = next((name for name in _CONTAINERS if _tensors(checkpoint.get(name))), None)
    weights = _tensors(checkpoint[container]) if container else _tensors(checkpoint)
    source = f"'{container}'" if container else 'the top level'
    if container and len(checkpoint) > 1:
        source += f' of a full save ({", ".join(sorted(map(str, checkpoint))[:6])})'
    if weights and all(key.startswith('module.') for key in weights):
        weights = {key[len('module.'):]: value for key, value in weights.items()}
    try:
        return from_official(weights, source)
    except KeyError as err:
        raise UnknownFormat(f'{path} is neither an mfm_mm checkpoint (no "backbone." keys) nor an '
                         f'official MFM / ConMIM / MAE / timm ResNet-50 release: {err.args[0]} '
                         f'(top-level names: {_top_level(checkpoint)})') from None


def check_output_path(path: str) -> None:
    """Refuses an output path that cannot be written, before any work is done.

    Args:
        path: The file a converter will write.

    Raises:
        ValueError: ``path`` is a directory, or it (or the folder it would be created in)
            is not writable.
    """
    if osp.isdir(path):
        raise ValueError(f'output {path} is a directory: give a file name')
    folder = osp.dirname(osp.abspath(path))
    while not osp.exists(folder):
        folder = osp.dirname(folder)
    if not osp.isdir(folder):
        raise ValueError(f'output {path}: {folder} is a file, not a folder')
    target = path if osp.exists(path) else folder
    if not os.access(target, os.W_OK):
        raise ValueError(f'output {path} is not writable (no write permission on {target})')


def save_weights(weights: Weights, path: str, meta: Optional[dict] = None) -> str:
    """Saves ``{'state_dict': weights, 'meta': meta}`` atomically (plain tensors only).

    Args:
        weights: The tensors to save.
        path: Output file; its folder is created.
        meta: JSON-like information about the conversion.

    Returns:
        ``path``.

    Raises:
        ValueError: ``path`` cannot be written (see :func:`check_output_path`); the write
            failed (the message names the file). No partial file is left behind.
    """
    check_output_path(path)
    for stale in remove_stale_partials(osp.dirname(osp.abspath(path))):
        print(f'removed {stale}, the partial write of a process that is gone')
    buffer = io.BytesIO()
    torch.save(dict(state_dict=weights, meta=meta or {}), buffer)
    try:
        AtomicLocalBackend().put(buffer.getbuffer(), path)  # no copy of the bytes
    except DiskWriteError as err:
        raise ValueError(err.strerror) from None
    return path


def convert_checkpoint(src: str, dst: str, target: str, img_size: int = 512,
                       num_heads: Optional[int] = None) -> Tuple[Release, Weights]:
    """Converts a checkpoint file for an mmpretrain classifier or an mmseg backbone.

    Args:
        src: This project's checkpoint or an official release (see :func:`load_release`).
        dst: Output file, checked before anything is loaded.
        target: ``'mmpretrain'`` (``backbone.*`` and, when fine-tuned, ``head.fc.*``) or
            ``'mmseg'`` (see :func:`mfm_mm.apis.convert_weights.release_to_mmseg`).
        img_size: mmseg crop side the ViT position embedding is resized to.
        num_heads: ViT attention heads for mmseg; default ``embed_dims // 64``.

    Returns:
        What was read and what was written.

    Raises:
        FileNotFoundError: ``src`` does not exist.
        ValueError: ``dst`` is not writable, ``src`` is not a known checkpoint, or it cannot
            be used for ``target``; messages name the file.
    """
    check_output_path(dst)
    release = load_release(src)
    if target == 'mmpretrain':
        converted = to_classifier(release)
    else:
        try:
            converted = release_to_mmseg(release, img_size=img_size, num_heads=num_heads)
        except ValueError as err:
            raise ValueError(f'{src} holds {err}') from None
    save_weights(converted, dst, meta=dict(source=src, format=release.format, target=target))
    return release, converted


def describe_conversion(release: Release, converted: Weights, dst: str) -> str:
    """The two lines a converter prints: what it detected and what it wrote."""
    dropped = str(len(release.dropped))
    if release.dropped:
        more = ', ...' if len(release.dropped) > 4 else ''
        dropped += f' ({", ".join(release.dropped[:4])}{more})'
    return (f'detected: {release.format}\n'
            f'mapped {len(release.backbone) + len(release.head)} tensors, dropped {dropped}; '
            f'wrote {len(converted)} tensors to {dst}')
