"""Per-image frequency mask for Masked Frequency Modeling."""
from typing import Dict, Optional, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

from ...models.utils.frequency import Radius, Size, check_radius, disc_keep_mask, radius_in_bins
from ...utils.options import check_number


@TRANSFORMS.register_module()
class FrequencyMaskGenerator(BaseTransform):
    """Draws MFM's frequency mask for one image, at the size of that image.

    With probability ``low_pass_prob`` the mask keeps the disc of ``radius`` around DC
    (low-pass); otherwise it keeps the complement (high-pass, DC removed). With a band
    (``band_outer`` or ``band_width``) the low-pass draw keeps the disc and everything outside
    the band (band-stop) and the high-pass draw keeps only the band ``r1 <= d < r2``
    (band-pass). Radii are bins (ints) or fractions of the half size (floats), as in
    :func:`~mfm_mm.models.utils.radius_in_bins`; ``radius=(low, high)`` draws an integer radius
    in bins per image, uniformly in ``[low, high]``.

    The masks of a size are built on the first image of that size (:meth:`masks`) and cached;
    a call draws two numbers and returns a read-only view of the table. All masks are
    point-symmetric about DC, as the half-spectrum filter and loss require.

    Required keys: ``img``. Added keys: ``freq_mask`` (torch.BoolTensor ``(H, W)``, True where
    the frequency is **kept**, on the fftshift-ed spectrum: DC at ``(H // 2, W // 2)``).

    Args:
        radius: Radius ``r1`` of the disc, or a range ``(low, high)`` to draw it from per
            image. Defaults to 16.
        band_outer: Optional outer radius ``r2``, greater than every ``r1``: only
            ``r1 <= d < r2`` is filtered.
        band_width: Optional band width, ``r2 = r1 + band_width``. Exclusive with
            ``band_outer``.
        low_pass_prob: Probability of a low-pass (or band-stop) mask. Defaults to 0.5.
        input_size: Optional expected image size ``H`` or ``(H, W)``: images of another size
            are refused, and the masks of this size are built (and checked) at once.
    """

    def __init__(self,
                 radius: Union[Radius, Tuple[Radius, Radius]] = 16,
                 band_outer: Optional[Radius] = None,
                 band_width: Optional[Radius] = None,
                 low_pass_prob: float = 0.5,
                 input_size: Optional[Union[int, Size]] = None) -> None:
        owner = type(self).__name__
        ranged = isinstance(radius, (tuple, list))
        ends = list(radius) if ranged else [radius]
        if ranged and not (len(ends) == 2 and type(ends[0]) is type(ends[1])):
            raise TypeError(f'{owner}: a radius range must be (low, high), two ints or two '
                            f'floats, got {radius!r}')
        for end in ends:
            check_radius(owner, 'radius', end)
        if ends[0] > ends[-1]:
            raise ValueError(f'{owner}: a radius range (low, high) needs low <= high, '
                             f'got {radius!r}')
        if band_outer is not None and band_width is not None:
            raise ValueError(f'{owner}: set band_outer or band_width, not both')
        for name, value in (('band_outer', band_outer), ('band_width', band_width)):
            if value is not None:
                check_radius(owner, name, value)
        check_number(owner, 'low_pass_prob', low_pass_prob, low=0., high=1.)
        if input_size is not None:
            input_size = tuple(input_size) if isinstance(input_size, (tuple, list)) \
                else (input_size, input_size)
            if len(input_size) != 2:
                raise ValueError(f'{owner}: input_size must be an int or (H, W), '
                                 f'got {input_size!r}')
            for side in input_size:
                check_number(owner, 'input_size', side, integer=True, low=2)
        self.radius = tuple(radius) if isinstance(radius, list) else radius
        self.band_outer = band_outer
        self.band_width = band_width
        self.low_pass_prob = low_pass_prob
        self.input_size = input_size
        self._tables: Dict[Size, torch.Tensor] = {}
        if input_size is not None:
            self.masks(input_size)

    def radii(self, size: Size) -> Tuple[float, ...]:
        """Radii ``r1`` in bins of the masks for images of ``size``."""
        if isinstance(self.radius, tuple):
            low, high = (round(radius_in_bins(r, size)) for r in self.radius)
            return tuple(range(max(low, 1), high + 1))
        return (radius_in_bins(self.radius, size), )

    def masks(self, size: Size) -> torch.Tensor:
        """All masks for images of ``size`` ``(H, W)``, built on the first call and cached.

        Returns:
            Bool table ``(2, R, H, W)``: low-pass (band-stop) then high-pass (band-pass) masks
            per radius of :meth:`radii`.

        Raises:
            ValueError: A radius does not fit in the spectrum of ``size`` or the band is empty.
        """
        size = tuple(size)
        if size in self._tables:
            return self._tables[size]
        owner, radii = type(self).__name__, self.radii(size)
        if not radii or max(radii) > min(size) / 2:
            raise ValueError(
                f'{owner}: radius {self.radius!r} is {radii} bins for images of size {size}; '
                f'every radius must be in (0, {min(size) / 2:g}] bins (the disc must fit in '
                'the spectrum)')
        outer = None if self.band_outer is None else radius_in_bins(self.band_outer, size)
        if outer is not None and not outer > max(radii):
            raise ValueError(f'{owner}: band_outer ({outer:g} bins) must be greater than radius '
                             f'({max(radii):g} bins) for images of size {size}')
        width = None if self.band_width is None else radius_in_bins(self.band_width, size)
        low = np.stack([disc_keep_mask(size, r, outer if width is None else r + width)
                        for r in radii])  # (R, H, W)
        self._tables[size] = torch.from_numpy(np.stack([low, ~low]))  # (2, R, H, W)
        return self._tables[size]

    def transform(self, results: dict) -> dict:
        """Adds ``freq_mask`` ``(H, W)`` for the size of ``results['img']``."""
        size = tuple(results['img'].shape[:2])
        if self.input_size is not None and size != self.input_size:
            raise ValueError(f'{type(self).__name__}: input_size is {self.input_size} but the '
                             f'image is {size}: drop input_size or crop to it')
        table = self.masks(size)
        kind = int(np.random.rand() >= self.low_pass_prob)  # 0: low-pass, 1: high-pass
        results['freq_mask'] = table[kind, np.random.randint(table.shape[1])]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(radius={self.radius}, band_outer={self.band_outer}, '
                f'band_width={self.band_width}, low_pass_prob={self.low_pass_prob}, '
                f'input_size={self.input_size})')
