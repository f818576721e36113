"""Frequency-domain corruption shared by the MFM algorithm and its visualisation."""
import torch


def to_fft_layout(shifted_mask: torch.Tensor) -> torch.Tensor:
    """Moves a mask from the fftshift-ed layout (DC in the centre) to ``fft2``'s layout.

    ``fftshift(X) * M`` followed by ``ifftshift`` equals ``X * ifftshift(M)``, so the
    corruption and the loss work on the raw ``fft2`` output and never shift a spectrum.

    Args:
        shifted_mask: Mask of shape ``(..., H, W)`` with DC at ``(H // 2, W // 2)``.

    Returns:
        The mask with DC at ``(0, 0)``, same shape.
    """
    return torch.fft.ifftshift(shifted_mask, dim=(-2, -1))


def hermitian_weights(width: int, device: torch.device = None) -> torch.Tensor:
    """Column weights that make a sum over ``rfft2`` bins equal the sum over all bins.

    The spectrum of a real image is Hermitian, ``|X(-u, -v)| = |X(u, v)|``: ``rfft2`` keeps
    columns ``0 .. W // 2``, and every column except DC (and Nyquist for even ``W``) stands
    for itself and its mirror.

    Args:
        width: ``W`` of the real image.
        device: Device of the result.

    Returns:
        Weights of shape ``(W // 2 + 1,)``: 1 for DC (and Nyquist), 2 elsewhere.
    """
    weights = torch.full((width // 2 + 1, ), 2., device=device)
    weights[0] = 1.
    if width % 2 == 0:
        weights[-1] = 1.
    return weights


def half_spectrum(mask: torch.Tensor) -> torch.Tensor:
    """Columns of an ``fft2``-layout mask that ``rfft2`` keeps, ``(..., H, W // 2 + 1)``."""
    return mask[..., :mask.shape[-1] // 2 + 1]


def frequency_filter(images: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """Keeps the frequencies of ``images`` where ``keep`` is 1 (no clamping).

    Works on the half spectrum (``rfft2`` / ``irfft2``), which equals the real part of the
    full-spectrum filter for point-symmetric masks, ``keep(-u, -v) = keep(u, v)``, such as
    every disc and band mask centred on DC.

    Args:
        images: Images of shape ``(N, C, H, W)``.
        keep: Point-symmetric mask in ``fft2`` layout, shape ``(N, H, W)``, 1 = keep.

    Returns:
        The filtered images, float32, shape ``(N, C, H, W)``.
    """
    if keep.shape[-2:] != images.shape[-2:]:
        raise ValueError(
            f'frequency mask of size {tuple(keep.shape[-2:])} does not match images of size '
            f'{tuple(images.shape[-2:])}: set FrequencyMaskGenerator.input_size to the crop size')
    spectrum = torch.fft.rfft2(images.float())  # (N, C, H, W // 2 + 1) complex64
    spectrum = spectrum * half_spectrum(keep)[:, None].to(torch.float32)
    return torch.fft.irfft2(spectrum, s=images.shape[-2:])  # (N, C, H, W)
