"""Frequency maths of MFM and FAMT: radii, disc masks, the ``fft2`` layout and the filter.

Masks are drawn on the fftshift-ed spectrum (DC at ``(H // 2, W // 2)``, :func:`disc_keep_mask`)
and used in ``fft2``'s layout (DC at ``(0, 0)``, :func:`to_fft_layout`). The filter and
``FrequencyLoss`` work on the half spectrum of ``rfft2``, which is exact for point-symmetric
masks, ``keep(-u, -v) = keep(u, v)``, such as every disc and band centred on DC.
"""
from typing import Optional, Tuple, Union

import numpy as np
import torch

from ...utils.options import check_number

Radius = Union[int, float]
Size = Tuple[int, int]


def check_radius(owner: str, name: str, radius: Radius) -> None:
    """Raises unless ``radius`` is an int >= 1 (bins) or a float in ``(0, 1]`` (a fraction of
    the half size), naming ``owner`` and the option ``name``."""
    if isinstance(radius, float):
        check_number(owner, f'{name} (a float is a fraction of the half size)', radius,
                     low=0., high=1., low_closed=False)
    else:
        check_number(owner, f'{name} (an int counts frequency bins; a float in (0, 1] is a '
                     'fraction of the half size)', radius, integer=True, low=1)


def radius_in_bins(radius: Radius, size: Size) -> float:
    """A radius in frequency bins for a spectrum of ``size`` ``(H, W)``.

    The one convention of MFM's mask radius and FAMT's low-pass cutoff: an int is a count of
    bins (the paper's 16 at 224 px), a float in ``(0, 1]`` a fraction of the half size
    ``min(H, W) / 2`` (``1 / 7`` is 16 bins at 224 px and 9.14 at 128 px).
    """
    return radius * min(size) / 2 if isinstance(radius, float) else radius


def disc_keep_mask(size: Size, radius: float, band_outer: Optional[float] = None) -> np.ndarray:
    """The low-pass (or band-stop) filter on the fftshift-ed spectrum.

    Args:
        size: ``(H, W)`` of the spectrum.
        radius: Inner radius ``r1`` of the removed band, in bins.
        band_outer: Outer radius ``r2`` in bins; None means the band reaches the corners.

    Returns:
        A bool array ``(H, W)``, True where the bin's distance ``d`` from DC is below
        ``radius`` or, with a band, at least ``band_outer``.
    """
    h, w = size
    y, x = np.ogrid[:h, :w]
    dist2 = (x - w // 2)**2 + (y - h // 2)**2  # (H, W)
    keep = dist2 < radius**2
    if band_outer is not None:
        keep |= dist2 >= band_outer**2
    return keep


def to_fft_layout(shifted_mask: torch.Tensor) -> torch.Tensor:
    """A mask ``(..., H, W)`` moved from the fftshift-ed layout to ``fft2``'s: as
    ``ifftshift(fftshift(X) * M) = X * ifftshift(M)``, no spectrum is ever shifted."""
    return torch.fft.ifftshift(shifted_mask, dim=(-2, -1))


def hermitian_weights(width: int, device: Optional[torch.device] = None) -> torch.Tensor:
    """Column weights ``(W // 2 + 1,)`` that make a sum over ``rfft2`` bins equal the sum over
    all bins of a real image's (Hermitian) spectrum: 1 for DC (and Nyquist for even ``W``),
    2 for the columns that stand for themselves and their mirror."""
    weights = torch.full((width // 2 + 1, ), 2., device=device)
    weights[0] = 1.
    if width % 2 == 0:
        weights[-1] = 1.
    return weights


def frequency_filter(images: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """Keeps the frequencies of ``images`` where ``keep`` is 1 (no clamping), via ``rfft2``.

    Args:
        images: Images ``(N, C, H, W)``.
        keep: Point-symmetric masks in ``fft2`` layout ``(N, H, W)``, 1 = keep.

    Returns:
        The filtered images, float32, ``(N, C, H, W)``.
    """
    h, w = images.shape[-2:]
    if keep.shape[-2:] != (h, w):
        raise ValueError(
            f'frequency mask of size {tuple(keep.shape[-2:])} does not match images of size '
            f'{(h, w)}: set FrequencyMaskGenerator.input_size to the crop size')
    spectrum = torch.fft.rfft2(images.float())  # (N, C, H, W // 2 + 1) complex64
    spectrum = spectrum * keep[:, None, :, :w // 2 + 1].to(torch.float32)
    return torch.fft.irfft2(spectrum, s=(h, w))  # (N, C, H, W)
