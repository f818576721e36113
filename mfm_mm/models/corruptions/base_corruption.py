"""Interface of the corruptions a frequency pretext can apply to the encoder's input."""
from abc import ABCMeta, abstractmethod
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmpretrain.structures import DataSample


class BaseCorruption(nn.Module, metaclass=ABCMeta):
    """Degrades a batch of un-normalised images in ``[0, 1]`` on the device.

    A subclass registered in ``MODELS`` is one member of the frequency family: MFM's
    low/high/band-pass masks, super-resolution, deblurring or denoising. The algorithm
    un-normalises before and re-normalises after, outside autocast, so subclasses see float32.

    Attributes:
        removes_fixed_bins: Whether :meth:`forward` returns the mask of the frequencies it
            removed, which ``FrequencyLoss(mode='masked')`` needs. Corruptions that change every
            frequency a little (blur, noise, resampling) return None and train with
            ``FrequencyLoss(mode='all')``.
    """

    removes_fixed_bins: bool = False

    @abstractmethod
    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Corrupts a batch.

        Args:
            images: Un-normalised float32 images ``(N, C, H, W)`` in ``[0, 1]``.
            data_samples: The batch's samples (for per-image inputs drawn by the pipeline).

        Returns:
            ``(corrupted, keep)``: the corrupted images ``(N, C, H, W)`` and, when
            :attr:`removes_fixed_bins`, the bool mask of kept frequencies in ``fft2`` layout
            ``(N, H, W)``, else None.
        """
