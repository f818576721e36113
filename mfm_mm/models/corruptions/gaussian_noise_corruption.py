"""Denoising pretext: the encoder sees the image plus Gaussian noise."""
from typing import List, Tuple

import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.options import check_number
from .base_corruption import BaseCorruption


@MODELS.register_module()
class GaussianNoiseCorruption(BaseCorruption):
    """Adds i.i.d. Gaussian noise per pixel and channel, without clipping.

    Args:
        sigma: Standard deviation on the ``[0, 1]`` scale. Defaults to 75 / 255.
    """

    def __init__(self, sigma: float = 75 / 255) -> None:
        super().__init__()
        check_number('GaussianNoiseCorruption', 'sigma', sigma, low=0., low_closed=False)
        self.sigma = sigma

    def describe(self) -> str:
        """Caption, e.g. ``'Gaussian noise, sigma 75/255'``."""
        return f'Gaussian noise, sigma {self.sigma * 255:.3g}/255'

    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, None]:
        """Adds the noise.

        Args:
            images: Un-normalised images ``(N, C, H, W)`` in ``[0, 1]``.
            data_samples: Unused.

        Returns:
            ``(corrupted, None)`` with ``corrupted`` of shape ``(N, C, H, W)``, not clipped.
        """
        return images + self.sigma * torch.randn_like(images), None
