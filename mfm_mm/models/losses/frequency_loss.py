"""Spectral reconstruction loss of MFM (focal-frequency-loss family)."""
from typing import Optional

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from ...utils.options import check_number
from ..utils.frequency import hermitian_weights


@MODELS.register_module()
class FrequencyLoss(nn.Module):
    """Distance between the spectra of a prediction and its target.

    Per frequency bin, ``d = |F(pred) - F(target)| ** gamma`` with the orthonormal ``fft2``.
    With the corruption's mask ``keep`` (MFM) the loss averages ``d`` over the bins the
    corruption removed, pooled over the batch and divided by the channel count; without one
    (restoration pretexts, whose corruption removes no fixed set of bins) over every bin. The
    optional focal weight ``w = |F(pred) - F(target)| ** alpha``, scaled to ``[0, 1]`` per
    image and channel (and optionally log-compressed), is a constant factor.

    The spectrum of the real difference is Hermitian, so the loss is computed on the half
    spectrum (``rfft2``) with :func:`hermitian_weights`; this equals the full-spectrum loss for
    point-symmetric masks (all of ``FrequencyMaskGenerator``'s). FFTs run in float32, also
    under autocast.

    Args:
        gamma: Exponent of the per-bin distance. Defaults to 1.
        focal: Whether to multiply by the focal spectrum weight. Defaults to False.
        alpha: Exponent of the focal weight. Defaults to 1.
        log_matrix: Whether to use ``log(1 + w)`` before scaling. Defaults to False.
        loss_weight: Scale of the loss. Defaults to 1.
    """

    def __init__(self,
                 gamma: float = 1.0,
                 focal: bool = False,
                 alpha: float = 1.0,
                 log_matrix: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        for name, value in (('gamma', gamma), ('alpha', alpha), ('loss_weight', loss_weight)):
            check_number('FrequencyLoss', name, value, low=0., low_closed=False)
        for name, value in (('focal', focal), ('log_matrix', log_matrix)):
            if not isinstance(value, bool):
                raise TypeError(f'FrequencyLoss: {name} must be a bool, got {value!r}')
        self.gamma = gamma
        self.focal = focal
        self.alpha = alpha
        self.log_matrix = log_matrix
        self.loss_weight = loss_weight

    def focal_weight(self, distance: torch.Tensor) -> torch.Tensor:
        """Detached per-bin weights ``|dF| ** alpha`` of ``distance`` ``|F(pred) - F(target)|``
        ``(N, C, H, W)``, scaled to ``[0, 1]`` per image and channel."""
        weight = distance.detach()**self.alpha
        if self.log_matrix:
            weight = torch.log1p(weight)
        peak = weight.amax(dim=(-2, -1), keepdim=True)
        return torch.nan_to_num(weight / peak).clamp_(0., 1.)

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                keep: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Computes the loss.

        Args:
            pred: Reconstruction ``(N, C, H, W)``.
            target: Clean image ``(N, C, H, W)``.
            keep: Mask in ``fft2`` layout ``(N, H, W)``, 1 = kept by the corruption: only the
                bins with 0 count. None scores every bin.

        Returns:
            The scalar loss (float32).
        """
        n, c, h, w = pred.shape
        with torch.autocast(device_type=pred.device.type, enabled=False):
            diff = torch.fft.rfft2(pred.float() - target.float(), norm='ortho')  # (N, C, H, W//2+1)
            distance = torch.sqrt(diff.real**2 + diff.imag**2 + 1e-12)
            per_bin = distance**self.gamma
            if self.focal:
                per_bin = per_bin * self.focal_weight(distance)
            columns = hermitian_weights(w, pred.device)  # (W // 2 + 1, )
            per_bin = per_bin * columns
            if keep is None:
                return self.loss_weight * per_bin.sum() / (n * c * h * w)
            removed = 1. - keep[..., :w // 2 + 1].to(per_bin.dtype)  # (N, H, W // 2 + 1)
            total = (per_bin * removed[:, None]).sum()
            count = (removed * columns).sum().clamp_min(1.) * c
            return self.loss_weight * total / count
