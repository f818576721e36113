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


def frequency_filter(images: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """Keeps the frequencies of ``images`` where ``keep`` is 1 (no clamping).

    Args:
        images: Images of shape ``(N, C, H, W)``.
        keep: Mask in ``fft2`` layout, shape ``(N, H, W)``, 1 = keep, 0 = remove.

    Returns:
        The real part of the filtered images, float32, shape ``(N, C, H, W)``.
    """
    if keep.shape[-2:] != images.shape[-2:]:
        raise ValueError(
            f'frequency mask of size {tuple(keep.shape[-2:])} does not match images of size '
            f'{tuple(images.shape[-2:])}: set FrequencyMaskGenerator.input_size to the crop size')
    spectrum = torch.fft.fft2(images.float())  # (N, C, H, W) complex64
    spectrum = spectrum * keep[:, None].to(torch.float32)
    return torch.fft.ifft2(spectrum).real


def frequency_corrupt(images: torch.Tensor, keep: torch.Tensor, mean: torch.Tensor,
                      std: torch.Tensor) -> torch.Tensor:
    """Applies MFM's corruption to normalised images.

    Un-normalises to ``[0, 1]``, filters the spectrum, clamps to ``[0, 1]`` and normalises
    again with the same statistics.

    Args:
        images: Normalised images ``(N, C, H, W)``, i.e. ``(x_255 - mean) / std``.
        keep: Mask in ``fft2`` layout ``(N, H, W)``, 1 = keep.
        mean: Pixel mean on the 0-255 scale, shape ``(C, 1, 1)``.
        std: Pixel std on the 0-255 scale, shape ``(C, 1, 1)``.

    Returns:
        Corrupted normalised images ``(N, C, H, W)``, float32.
    """
    with torch.autocast(device_type=images.device.type, enabled=False):
        unit = (images.float() * std + mean) / 255.  # (N, C, H, W) in [0, 1]
        filtered = frequency_filter(unit, keep).clamp_(0., 1.)
        return (filtered * 255. - mean) / std
