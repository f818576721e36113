"""Super-resolution pretext: the encoder sees a bicubic down- then up-sampled image."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.options import check_number
from .base_corruption import BaseCorruption


@MODELS.register_module()
class SuperResolutionCorruption(BaseCorruption):
    """Bicubic down-sampling by ``scale`` and bicubic up-sampling back, clamped to ``[0, 1]``.

    The down-sampling is anti-aliased (as PIL's and MATLAB's ``imresize``), so what survives
    is, up to interpolation leakage, the band below the low-resolution grid's Nyquist
    frequency ``H / (2 * scale)``.

    Args:
        scale: Down-sampling factor; ``H`` and ``W`` must be multiples of it. Defaults to 8.
    """

    def __init__(self, scale: int = 8) -> None:
        super().__init__()
        check_number('SuperResolutionCorruption', 'scale', scale, integer=True, low=2)
        self.scale = scale

    def describe(self) -> str:
        """Caption, e.g. ``'bicubic down x8, up x8'``."""
        return f'bicubic down x{self.scale}, up x{self.scale}'

    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, None]:
        """Down- and up-samples the batch.

        Args:
            images: Un-normalised images ``(N, C, H, W)`` in ``[0, 1]``.
            data_samples: Unused.

        Returns:
            ``(corrupted, None)`` with ``corrupted`` of shape ``(N, C, H, W)``.
        """
        h, w = images.shape[-2:]
        if h % self.scale or w % self.scale:
            raise ValueError(f'SuperResolutionCorruption: image size {(h, w)} is not a '
                             f'multiple of scale {self.scale}')
        low = F.interpolate(images, size=(h // self.scale, w // self.scale), mode='bicubic',
                            align_corners=False, antialias=True)  # (N, C, H / s, W / s)
        up = F.interpolate(low, size=(h, w), mode='bicubic', align_corners=False)
        return up.clamp_(0., 1.), None
