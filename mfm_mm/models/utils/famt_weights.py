"""FAMT's per-patch sampling weights: attention map fused with a low-pass frequency response.

The FAMT paper does not publish its frequency part; :func:`lowpass_patch_response` and
:func:`fuse_weights` implement its description (a low-pass view of the image marks where the
semantic content lies, normalised per patch and combined with the attention map).
"""
import torch
import torch.nn.functional as F

from ...datasets.transforms.frequency_mask import disc_keep_mask
from .frequency import frequency_filter, to_fft_layout

FUSIONS = ('sum', 'product')


def minmax_normalise(maps: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Scales every map to ``[0, 1]`` over its last two dimensions.

    Args:
        maps: Maps ``(..., h, w)``.
        eps: Guards constant maps, which become all zeros.

    Returns:
        Maps of the same shape with minimum 0 and maximum 1 (or all 0).
    """
    flat = maps.flatten(-2)
    low, high = flat.amin(-1, keepdim=True), flat.amax(-1, keepdim=True)
    return ((flat - low) / (high - low).clamp_min(eps)).view_as(maps)


def lowpass_patch_response(images: torch.Tensor, patch_size: int,
                           cutoff: float) -> torch.Tensor:
    """Per-patch strength of the low-frequency content of images, in ``[0, 1]``.

    The spectrum is cut to the disc of radius ``cutoff * min(H, W) / 2`` bins around DC, without
    DC itself; the response of a patch is the mean absolute value of that low-pass image over
    the patch and the channels, min-max normalised per image. Flat background has no
    low-frequency deviation from the image mean, large objects have a strong one; texture and
    noise inside a patch sit above the cutoff and are ignored.

    Args:
        images: Images ``(N, C, H, W)`` (any per-channel normalisation: DC is removed).
        patch_size: Patch size of the encoder; ``H`` and ``W`` must be multiples of it.
        cutoff: Disc radius as a fraction of the half size, in ``(0, 1]``.

    Returns:
        Maps ``(N, H / patch_size, W / patch_size)`` in ``[0, 1]``.
    """
    if not 0 < cutoff <= 1:
        raise ValueError(f'freq_cutoff must be in (0, 1], got {cutoff}')
    height, width = images.shape[-2:]
    keep = disc_keep_mask((height, width), radius=cutoff * min(height, width) / 2)
    keep[height // 2, width // 2] = False  # remove DC: only deviations from the mean count
    keep = to_fft_layout(torch.from_numpy(keep).to(images.device))  # (H, W)
    lowpass = frequency_filter(images.float(), keep.expand(len(images), -1, -1))
    response = F.avg_pool2d(lowpass.abs().mean(1, keepdim=True), patch_size)  # (N, 1, h, w)
    return minmax_normalise(response[:, 0])


def fuse_weights(attention: torch.Tensor, frequency: torch.Tensor, fusion: str = 'sum',
                 freq_weight: float = 0.5) -> torch.Tensor:
    """Combines an attention map and a frequency map (both in ``[0, 1]``) into weights.

    Args:
        attention: Maps ``(N, h, w)`` in ``[0, 1]``.
        frequency: Maps ``(N, h, w)`` in ``[0, 1]``.
        fusion: ``'sum'``: ``(1 - freq_weight) * attention + freq_weight * frequency``;
            ``'product'``: ``attention * frequency`` (a patch needs both cues).
        freq_weight: Share of the frequency map in ``'sum'``, in ``[0, 1]``.

    Returns:
        Weights ``(N, h, w)`` in ``[0, 1]``.
    """
    if fusion == 'sum':
        return (1 - freq_weight) * attention + freq_weight * frequency
    if fusion == 'product':
        return attention * frequency
    raise ValueError(f'fusion must be one of {FUSIONS}, got {fusion!r}')
