"""Interface of the corruptions a frequency pretext can apply to the encoder's input."""
from abc import ABCMeta, abstractmethod
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.model import from_unit, to_unit


class BaseCorruption(nn.Module, metaclass=ABCMeta):
    """Degrades a batch of un-normalised images in ``[0, 1]`` on the device.

    A subclass registered in ``MODELS`` is one member of the frequency family: MFM's
    low/high/band-pass masks, super-resolution, deblurring or denoising. Algorithms call
    :meth:`corrupt` on normalised batches; it un-normalises before and re-normalises after,
    outside autocast, so :meth:`forward` sees float32 in ``[0, 1]``.

    A corruption that removes a fixed set of frequencies (MFM's masks) returns that mask with
    the images, and ``FrequencyLoss`` then scores the removed bins only; corruptions that change
    every frequency a little (blur, noise, resampling) return None and are scored on all bins.
    """

    @abstractmethod
    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Corrupts un-normalised float32 images ``(N, C, H, W)`` in ``[0, 1]``.

        Returns:
            ``(corrupted, keep)``: the corrupted images ``(N, C, H, W)`` and the bool mask of
            kept frequencies in ``fft2`` layout ``(N, H, W)``, or None when no fixed set of
            frequencies is removed.
        """

    def describe(self) -> str:
        """What the corruption does in a few words, for figure captions (e.g.
        ``'bicubic down x8, up x8'``); the class name unless a subclass says more."""
        return type(self).__name__

    def corrupt(self, inputs: torch.Tensor, data_samples: List[DataSample],
                data_preprocessor: nn.Module) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Corrupts normalised images in ``[0, 1]`` space, in float32 outside autocast.

        Args:
            inputs: Normalised clean images ``(N, C, H, W)``, i.e. ``(x_255 - mean) / std``.
            data_samples: The batch's samples (per-image inputs drawn by the pipeline).
            data_preprocessor: The model's normalising preprocessor (``mean``, ``std`` on
                0-255).

        Returns:
            ``(corrupted, keep)``: normalised corrupted images and :meth:`forward`'s mask.
        """
        if not getattr(data_preprocessor, '_enable_normalize', False):
            raise ValueError(f'{type(self).__name__} needs a data_preprocessor with mean and '
                             'std: it works on un-normalised images')
        mean, std = data_preprocessor.mean, data_preprocessor.std  # (C, 1, 1), 0-255 scale
        with torch.autocast(device_type=inputs.device.type, enabled=False):
            corrupted, keep = self(to_unit(inputs, mean, std), data_samples)
            return from_unit(corrupted, mean, std), keep


def build_corruption(cfg: dict) -> BaseCorruption:
    """``MODELS.build`` of a corruption config; adds: any other type is refused with the list
    of registered corruptions."""
    allowed = sorted(name for name, cls in MODELS.module_dict.items()
                     if isinstance(cls, type) and issubclass(cls, BaseCorruption))
    if not isinstance(cfg, dict) or cfg.get('type') not in allowed:
        name = cfg.get('type') if isinstance(cfg, dict) else cfg
        raise ValueError(f'corruption: unknown type {name!r}; allowed: {", ".join(allowed)}')
    return MODELS.build(cfg)
