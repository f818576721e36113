"""FAMT's per-patch sampling weights: attention map fused with a low-pass frequency response.

The FAMT paper does not publish its frequency part; :func:`lowpass_patch_response` and
:func:`fuse_weights` implement its description (a low-pass view of the image marks where the
semantic content lies, normalised per patch and combined with the attention map).
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from .frequency import (check_radius, disc_keep_mask, frequency_filter, radius_in_bins,
                        to_fft_layout)

FUSIONS = ('sum', 'product')
FLIP_DIMS = {'horizontal': (-1, ), 'vertical': (-2, ), 'diagonal': (-2, -1)}


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
                           cutoff: Union[int, float]) -> torch.Tensor:
    """Per-patch strength of the low-frequency content of images, in ``[0, 1]``.

    The spectrum is cut to the disc of radius ``cutoff`` around DC, without DC itself; the
    response of a patch is the mean absolute value of that low-pass image over the patch and
    the channels, min-max normalised per image. Flat background has no low-frequency deviation
    from the image mean, large objects have a strong one; texture and noise inside a patch sit
    above the cutoff and are ignored.

    Args:
        images: Images ``(N, C, H, W)`` (any per-channel normalisation: DC is removed).
        patch_size: Patch size of the encoder; ``H`` and ``W`` must be multiples of it.
        cutoff: Disc radius in bins (int) or as a fraction of the half size ``min(H, W) / 2``
            (float in ``(0, 1]``), the convention of ``FrequencyMaskGenerator``'s radius.

    Returns:
        Maps ``(N, H / patch_size, W / patch_size)`` in ``[0, 1]``.
    """
    check_radius('lowpass_patch_response', 'cutoff', cutoff)
    height, width = images.shape[-2:]
    keep = disc_keep_mask((height, width), radius=radius_in_bins(cutoff, (height, width)))
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


def crop_weight_map(weight_maps: torch.Tensor, boxes: torch.Tensor, out_size: Tuple[int, int],
                    flip_directions: Optional[Sequence[Optional[str]]] = None,
                    samples: int = 4) -> torch.Tensor:
    """Resamples whole-image maps to the patch grids of crops, then flips them.

    Each output cell is the mean of ``samples x samples`` bilinear samples of its map spread
    over the part of the crop that the cell covers (a map's cells cover the whole image
    uniformly, whatever its aspect ratio). One ``grid_sample`` call serves the whole batch.

    Args:
        weight_maps: Maps ``(N, h, w)`` over the whole images.
        boxes: ``(N, 4)`` crops ``(x1, y1, x2, y2)`` as fractions of each image's width and
            height.
        out_size: ``(h', w')``, the patch grid of the cropped and resized images.
        flip_directions: Per map, ``None`` or the ``RandomFlip`` direction applied after the
            crop; None for no flips.
        samples: Samples per cell along each axis.

    Returns:
        The maps of the crops, ``(N, h', w')``, float32, on the device of ``weight_maps``.
    """
    out_h, out_w = out_size
    boxes = torch.as_tensor(boxes, dtype=torch.float32, device=weight_maps.device)
    x1, y1, x2, y2 = boxes.unbind(-1)  # (N, ) each
    steps_y = (torch.arange(out_h * samples, device=boxes.device) + 0.5) / (out_h * samples)
    steps_x = (torch.arange(out_w * samples, device=boxes.device) + 0.5) / (out_w * samples)
    ys = y1[:, None] + (y2 - y1)[:, None] * steps_y  # (N, H')
    xs = x1[:, None] + (x2 - x1)[:, None] * steps_x  # (N, W')
    grid = torch.stack([xs[:, None, :].expand(-1, len(steps_y), -1),
                        ys[:, :, None].expand(-1, -1, len(steps_x))], dim=-1) * 2 - 1
    sampled = F.grid_sample(weight_maps.float()[:, None], grid, mode='bilinear',
                            padding_mode='border', align_corners=False)  # (N, 1, H', W')
    cells = F.avg_pool2d(sampled, samples)[:, 0]  # (N, h', w')
    for direction, dims in FLIP_DIMS.items():
        chosen = [i for i, flip in enumerate(flip_directions or ()) if flip == direction]
        if chosen:
            cells[chosen] = cells[chosen].flip(dims)
    return cells
