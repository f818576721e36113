"""Runs a corruption on normalised batches: un-normalise, corrupt, re-normalise."""
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmpretrain.structures import DataSample

from .base_corruption import BaseCorruption


def apply_corruption(corruption: BaseCorruption, inputs: torch.Tensor,
                     data_samples: List[DataSample],
                     data_preprocessor: nn.Module) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """Corrupts normalised images in ``[0, 1]`` space, in float32 outside autocast.

    Args:
        corruption: The corruption.
        inputs: Normalised clean images ``(N, C, H, W)``, i.e. ``(x_255 - mean) / std``.
        data_samples: The batch's samples.
        data_preprocessor: The model's normalising preprocessor (``mean``, ``std`` on 0-255).

    Returns:
        ``(corrupted, keep)``: normalised corrupted images ``(N, C, H, W)`` and the kept
        frequencies in ``fft2`` layout ``(N, H, W)`` (None for corruptions without a mask).
    """
    if not getattr(data_preprocessor, '_enable_normalize', False):
        raise ValueError('the frequency corruption needs data_preprocessor with mean and std: '
                         'it works on un-normalised images')
    mean, std = data_preprocessor.mean, data_preprocessor.std  # (C, 1, 1), 0-255 scale
    with torch.autocast(device_type=inputs.device.type, enabled=False):
        unit = (inputs.float() * std + mean) / 255.  # (N, C, H, W) in [0, 1]
        corrupted, keep = corruption(unit, data_samples)
        return (corrupted * 255. - mean) / std, keep
