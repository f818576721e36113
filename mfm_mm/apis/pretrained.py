"""Loading weights into a built model: training checkpoints, converted files, releases."""
from typing import Dict

import torch
from mmengine.logging import print_log

from ..engine.runner.safe_load import load_checkpoint_file
from .checkpoint import release_from
from .convert_weights import to_classifier


def _tensors(checkpoint) -> Dict[str, torch.Tensor]:
    """The tensors of a checkpoint's state dict (mmengine's, or a bare one)."""
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else {}
    return {key: value for key, value in state.items() if isinstance(value, torch.Tensor)}


def load_pretrained(model: torch.nn.Module, path: str) -> str:
    """Loads ``path`` into ``model`` safely, on every supported torch.

    The file goes through the project's restricted unpickler (tensors, mmengine's training
    state such as ``HistoryBuffer``, the config objects of official releases; code is refused),
    so a training checkpoint loads on torch >= 2.6 outside the project's runs too. Names the
    model has are loaded as they are (this project's checkpoints, ``mfm2mmpretrain`` output);
    anything else is read as an official MFM / ConMIM / MAE / timm release and renamed to
    mmpretrain's classifier names (``backbone.*``, ``head.fc.*``).

    Args:
        model: The built model.
        path: The checkpoint file.

    Returns:
        One line saying what was loaded and what stays at its initial value.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a checkpoint, pickles code, shares no tensor with
            ``model`` or has tensors of other shapes; messages name the file.
    """
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    own = model.state_dict()
    weights = _tensors(checkpoint)
    source = 'its names'
    if not own.keys() & weights.keys():
        release = release_from(checkpoint, path)
        weights, source = to_classifier(release), release.format
    loaded = own.keys() & weights.keys()
    if not loaded:
        raise ValueError(f'{path} shares no tensor name with the {type(model).__name__} '
                         f'(first of the file: {", ".join(sorted(weights)[:3])})')
    mismatched = [key for key in sorted(loaded) if own[key].shape != weights[key].shape]
    if mismatched:
        key = mismatched[0]
        raise ValueError(f'{path}: {len(mismatched)} tensors differ in shape from the model '
                         f'(first: {key} {tuple(weights[key].shape)} in the file, '
                         f'{tuple(own[key].shape)} in the model); is it the model of another '
                         'config?')
    model.load_state_dict({key: weights[key] for key in loaded}, strict=False)
    unset = sorted(own.keys() - loaded)
    summary = (f'{path}: loaded {len(loaded)} of {len(own)} tensors ({source}), '
               f'{len(weights) - len(loaded)} of the file unused; '
               f'{len(unset)} at their initial values')
    if unset:
        summary += f' (first: {", ".join(unset[:3])})'
    print_log(summary, logger='current')
    return summary
