"""Deblurring pretext: the encoder sees an isotropic Gaussian blur of the image."""
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.options import check_number
from .base_corruption import BaseCorruption


@MODELS.register_module()
class GaussianBlurCorruption(BaseCorruption):
    """Isotropic Gaussian blur with a kernel size drawn per image, reflect padding.

    Each image gets a separable Gaussian of standard deviation ``sigma`` truncated to a
    size drawn uniformly from ``kernel_sizes`` and renormalised, like torchvision's
    ``gaussian_blur``. All sizes are embedded (zero-padded) in the largest one, so the batch is
    blurred by one grouped convolution.

    Args:
        sigma: Standard deviation in pixels. Defaults to 5.
        kernel_sizes: Odd kernel sizes to draw from. Defaults to ``(7, 9, ..., 21)``.
    """

    def __init__(self, sigma: float = 5.0,
                 kernel_sizes: Sequence[int] = tuple(range(7, 22, 2))) -> None:
        super().__init__()
        check_number('GaussianBlurCorruption', 'sigma', sigma, low=0., low_closed=False)
        if not isinstance(kernel_sizes, (tuple, list)):
            raise TypeError('GaussianBlurCorruption: kernel_sizes must be a sequence of odd '
                            f'ints, got {kernel_sizes!r}')
        if not kernel_sizes:
            raise ValueError('GaussianBlurCorruption: kernel_sizes must not be empty')
        for size in kernel_sizes:
            check_number('GaussianBlurCorruption', 'kernel_sizes', size, integer=True, low=1)
            if size % 2 == 0:
                raise ValueError('GaussianBlurCorruption: kernel_sizes must be odd positive '
                                 f'ints, got {kernel_sizes}')
        self.sigma = sigma
        self.kernel_sizes = tuple(kernel_sizes)
        half = max(self.kernel_sizes) // 2
        offsets = torch.arange(-half, half + 1, dtype=torch.float32)
        # one row per kernel size: the Gaussian on its support, zero outside, sum 1
        kernels = torch.exp(-offsets**2 / (2 * sigma**2)) * (
            offsets.abs() <= torch.tensor(self.kernel_sizes)[:, None] // 2)
        self.register_buffer('kernels', kernels / kernels.sum(1, keepdim=True), persistent=False)

    def describe(self) -> str:
        """Caption, e.g. ``'Gaussian blur, sigma 5 px'``."""
        return f'Gaussian blur, sigma {self.sigma:g} px'

    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, None]:
        """Blurs every image with its own kernel.

        Args:
            images: Un-normalised images ``(N, C, H, W)`` in ``[0, 1]``.
            data_samples: Unused.

        Returns:
            ``(corrupted, None)`` with ``corrupted`` of shape ``(N, C, H, W)``.
        """
        n, c, h, w = images.shape
        half = self.kernels.shape[1] // 2
        if min(h, w) <= half:
            raise ValueError(f'GaussianBlurCorruption: images of size {(h, w)} are too small '
                             f'for kernels of size {2 * half + 1}')
        choice = torch.randint(len(self.kernel_sizes), (n, ), device=images.device)
        kernel = self.kernels.to(images.device)[choice].repeat_interleave(c, 0)  # (N * C, K)
        x = F.pad(images.reshape(1, n * c, h, w), (half, half, half, half), mode='reflect')
        x = F.conv2d(x, kernel[:, None, :, None], groups=n * c)  # vertical
        x = F.conv2d(x, kernel[:, None, None, :], groups=n * c)  # horizontal
        return x.reshape(n, c, h, w), None
