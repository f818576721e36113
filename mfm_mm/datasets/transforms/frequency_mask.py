"""Per-image frequency mask for Masked Frequency Modeling."""
import math
from typing import Optional, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


def disc_keep_mask(input_size: Tuple[int, int], radius: float,
                   band_outer: Optional[float] = None) -> np.ndarray:
    """Builds the low-pass filter on the fftshift-ed spectrum.

    A bin ``(y, x)`` lies at distance ``d`` from the DC bin at ``(H // 2, W // 2)``. It is kept
    when ``d < radius`` or, with a band, when ``d >= band_outer``; the bins with
    ``radius <= d < band_outer`` are the ones a low-pass draw removes.

    Args:
        input_size: ``(H, W)`` of the spectrum.
        radius: Inner radius ``r1`` of the removed band.
        band_outer: Outer radius ``r2``; ``None`` means the band reaches the corners.

    Returns:
        A bool array of shape ``(H, W)``, True where the low-pass filter keeps the bin.
    """
    h, w = input_size
    y, x = np.ogrid[:h, :w]
    dist2 = (x - w // 2)**2 + (y - h // 2)**2
    keep = dist2 < radius**2
    if band_outer is not None:
        keep |= dist2 >= band_outer**2
    return keep


@TRANSFORMS.register_module()
class FrequencyMaskGenerator(BaseTransform):
    """Draws MFM's frequency mask for one image.

    With probability ``low_pass_prob`` the mask keeps the disc of ``radius`` around DC
    (low-pass: high frequencies are removed); otherwise it keeps the complement (high-pass:
    the disc, DC included, is removed). Both masks are computed once at construction, so a
    call only draws a Bernoulli sample and returns one of the two (read-only) tensors.

    Required keys: none. Added keys:

    - ``freq_mask`` (torch.BoolTensor, ``(H, W)``): True where the frequency is **kept**, on
      the fftshift-ed spectrum (DC at ``(H // 2, W // 2)``).

    Args:
        input_size: Spectrum size ``H`` or ``(H, W)``; the image size after cropping.
        radius: Radius ``r1`` of the disc, in frequency bins. Defaults to 16.
        band_outer: Optional outer radius ``r2 > r1``: only ``r1 <= d < r2`` is filtered.
        low_pass_prob: Probability of a low-pass mask. Defaults to 0.5.
    """

    def __init__(self,
                 input_size: Union[int, Tuple[int, int]] = 224,
                 radius: float = 16,
                 band_outer: Optional[float] = None,
                 low_pass_prob: float = 0.5) -> None:
        size = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        if len(size) != 2 or min(size) < 2:
            raise ValueError(
                f'FrequencyMaskGenerator: input_size must be an int or (H, W) >= 2, got {input_size}')
        max_radius = min(size) // 2
        if not 0 < radius <= max_radius:
            raise ValueError(
                f'FrequencyMaskGenerator: radius must be in (0, {max_radius}] for '
                f'input_size {size} (the disc must fit in the spectrum), got {radius}')
        if band_outer is not None and not band_outer > radius:
            raise ValueError(
                f'FrequencyMaskGenerator: band_outer must be greater than radius ({radius}), '
                f'got {band_outer}')
        if not (isinstance(low_pass_prob, (int, float)) and 0 <= low_pass_prob <= 1
                and not math.isnan(low_pass_prob)):
            raise ValueError(
                f'FrequencyMaskGenerator: low_pass_prob must be in [0, 1], got {low_pass_prob}')
        self.input_size = size
        self.radius = radius
        self.band_outer = band_outer
        self.low_pass_prob = low_pass_prob
        self.low_pass = torch.from_numpy(disc_keep_mask(size, radius, band_outer))
        self.high_pass = ~self.low_pass

    def transform(self, results: dict) -> dict:
        """Adds ``freq_mask`` to ``results``.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The same dict with ``freq_mask`` set.
        """
        low = np.random.rand() < self.low_pass_prob
        results['freq_mask'] = self.low_pass if low else self.high_pass
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(input_size={self.input_size}, '
                f'radius={self.radius}, band_outer={self.band_outer}, '
                f'low_pass_prob={self.low_pass_prob})')
