"""Per-image frequency mask for Masked Frequency Modeling."""
import math
from typing import Optional, Sequence, Tuple, Union

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
    the disc, DC included, is removed). With a band (``band_outer`` or ``band_width``) the
    low-pass draw keeps the disc and everything outside the band (band-stop) and the
    high-pass draw keeps only the band ``r1 <= d < r2`` (band-pass); ``low_pass_prob=0`` gives
    band-pass masks only.

    ``radius=(low, high)`` draws an integer radius per image, uniformly in ``[low, high]``.
    Every mask is computed once at construction (a table of shape ``(2, R, H, W)``: draw kind,
    radius), so a call only draws two numbers and returns a (read-only) view of the table. All
    masks are point-symmetric about DC, as the half-spectrum filter and loss require.

    Required keys: none. Added keys:

    - ``freq_mask`` (torch.BoolTensor, ``(H, W)``): True where the frequency is **kept**, on
      the fftshift-ed spectrum (DC at ``(H // 2, W // 2)``).

    Args:
        input_size: Spectrum size ``H`` or ``(H, W)``; the image size after cropping.
        radius: Radius ``r1`` of the disc in frequency bins, or an int range ``(low, high)``
            to draw it from per image. Defaults to 16.
        band_outer: Optional outer radius ``r2``, greater than every ``r1``: only
            ``r1 <= d < r2`` is filtered.
        band_width: Optional band width: ``r2 = r1 + band_width`` follows the drawn radius.
            Exclusive with ``band_outer``.
        low_pass_prob: Probability of a low-pass (or band-stop) mask. Defaults to 0.5.
    """

    def __init__(self,
                 input_size: Union[int, Tuple[int, int]] = 224,
                 radius: Union[float, Tuple[int, int]] = 16,
                 band_outer: Optional[float] = None,
                 band_width: Optional[float] = None,
                 low_pass_prob: float = 0.5) -> None:
        size = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        if len(size) != 2 or min(size) < 2:
            raise ValueError(
                f'FrequencyMaskGenerator: input_size must be an int or (H, W) >= 2, got {input_size}')
        radii = self._radii(radius, max_radius=min(size) // 2, size=size)
        if band_outer is not None and band_width is not None:
            raise ValueError('FrequencyMaskGenerator: set band_outer or band_width, not both')
        if band_outer is not None and not band_outer > max(radii):
            raise ValueError(
                f'FrequencyMaskGenerator: band_outer must be greater than radius ({radius}), '
                f'got {band_outer}')
        if band_width is not None and not band_width > 0:
            raise ValueError(f'FrequencyMaskGenerator: band_width must be > 0, got {band_width}')
        if not (isinstance(low_pass_prob, (int, float)) and 0 <= low_pass_prob <= 1
                and not math.isnan(low_pass_prob)):
            raise ValueError(
                f'FrequencyMaskGenerator: low_pass_prob must be in [0, 1], got {low_pass_prob}')
        self.input_size = size
        self.radius = radius
        self.band_outer = band_outer
        self.band_width = band_width
        self.low_pass_prob = low_pass_prob
        self.radii = radii
        low = np.stack([
            disc_keep_mask(size, r, band_outer if band_width is None else r + band_width)
            for r in radii
        ])  # (R, H, W)
        self.masks = torch.from_numpy(np.stack([low, ~low]))  # (2, R, H, W): low, high

    @staticmethod
    def _radii(radius: Union[float, Sequence[int]], max_radius: int,
               size: Tuple[int, int]) -> Tuple[float, ...]:
        """Checks ``radius`` and returns the radii of the table."""
        if isinstance(radius, (tuple, list)):
            if not (len(radius) == 2 and all(isinstance(r, int) for r in radius)
                    and 0 < radius[0] <= radius[1] <= max_radius):
                raise ValueError(
                    f'FrequencyMaskGenerator: a radius range must be two ints (low, high) with '
                    f'0 < low <= high <= {max_radius} for input_size {size}, got {radius}')
            return tuple(range(radius[0], radius[1] + 1))
        if not 0 < radius <= max_radius:
            raise ValueError(
                f'FrequencyMaskGenerator: radius must be in (0, {max_radius}] for '
                f'input_size {size} (the disc must fit in the spectrum), got {radius}')
        return (radius, )

    @property
    def low_pass(self) -> torch.Tensor:
        """Low-pass masks: ``(H, W)`` for a fixed radius, else ``(R, H, W)`` per radius."""
        return self.masks[0, 0] if len(self.radii) == 1 else self.masks[0]

    @property
    def high_pass(self) -> torch.Tensor:
        """High-pass (band-pass) masks, shaped as :attr:`low_pass`."""
        return self.masks[1, 0] if len(self.radii) == 1 else self.masks[1]

    def transform(self, results: dict) -> dict:
        """Adds ``freq_mask`` to ``results``.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The same dict with ``freq_mask`` set.
        """
        kind = int(np.random.rand() >= self.low_pass_prob)  # 0: low-pass, 1: high-pass
        results['freq_mask'] = self.masks[kind, np.random.randint(len(self.radii))]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(input_size={self.input_size}, '
                f'radius={self.radius}, band_outer={self.band_outer}, '
                f'band_width={self.band_width}, low_pass_prob={self.low_pass_prob})')
