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
    """Checks a radius given in bins (an int >= 1) or as a fraction of the half size.

    Args:
        owner: Class the option belongs to.
        name: The option's name.
        radius: The value given.

    Raises:
        TypeError: Neither an int nor a float.
        ValueError: An int below 1 or a float outside ``(0, 1]``.
    """
    if isinstance(radius, float):
        check_number(owner, f'{name} (a float is a fraction of the half size)', radius,
                     low=0., high=1., low_closed=False)
    else:
        check_number(owner, f'{name} (an int counts frequency bins; a float in (0, 1] is a '
                     'fraction of the half size)', radius, integer=True, low=1)


def radius_in_bins(radius: Radius, size: Size) -> float:
    """A radius in frequency bins for a spectrum of ``size``.

    The one convention of MFM's mask radius and FAMT's low-pass cutoff: an int is a count of
    bins (the paper's 16 at 224 px), a float in ``(0, 1]`` a fraction of the half size
    ``min(H, W) / 2`` (``1 / 7`` is 16 bins at 224 px and 9.14 at 128 px).

    Args:
        radius: Bins (int) or fraction of the half size (float).
        size: ``(H, W)`` of the spectrum.

    Returns:
        The radius in bins.
    """
    return radius * min(size) / 2 if isinstance(radius, float) else radius


def disc_keep_mask(size: Size, radius: float, band_outer: Optional[float] = None) -> np.ndarray:
    """The low-pass (or band-stop) filter on the fftshift-ed spectrum.

    A bin ``(y, x)`` lies at distance ``d`` from the DC bin at ``(H // 2, W // 2)``. It is kept
    when ``d < radius`` or, with a band, when ``d >= band_outer``.

    Args:
        size: ``(H, W)`` of the spectrum.
        radius: Inner radius ``r1`` of the removed band, in bins.
        band_outer: Outer radius ``r2`` in bins; None means the band reaches the corners.

    Returns:
        A bool array ``(H, W)``, True where the bin is kept.
    """
    h, w = size
    y, x = np.ogrid[:h, :w]
    dist2 = (x - w // 2)**2 + (y - h // 2)**2  # (H, W)
    keep = dist2 < radius**2
    if band_outer is not None:
        keep |= dist2 >= band_outer**2
    return keep


def to_fft_layout(shifted_mask: torch.Tensor) -> torch.Tensor:
    """Moves a mask ``(..., H, W)`` from the fftshift-ed layout to ``fft2``'s (DC at ``(0, 0)``).

    ``ifftshift(fftshift(X) * M)`` equals ``X * ifftshift(M)``, so the corruption and the loss
    work on the raw ``fft2`` output and never shift a spectrum.
    """
    return torch.fft.ifftshift(shifted_mask, dim=(-2, -1))


def hermitian_weights(width: int, device: Optional[torch.device] = None) -> torch.Tensor:
    """Column weights that make a sum over ``rfft2`` bins equal the sum over all bins.

    The spectrum of a real image is Hermitian, ``|X(-u, -v)| = |X(u, v)|``: ``rfft2`` keeps
    columns ``0 .. W // 2``, and every column except DC (and Nyquist for even ``W``) stands
    for itself and its mirror.

    Args:
        width: ``W`` of the real image.
        device: Device of the result.

    Returns:
        Weights ``(W // 2 + 1,)``: 1 for DC (and Nyquist), 2 elsewhere.
    """
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
