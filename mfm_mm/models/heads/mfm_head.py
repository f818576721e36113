"""Head of MFM: the spectral reconstruction loss on the decoder output."""
from typing import Optional

import torch
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class MFMHead(BaseModule):
    """Compares the reconstructed image with the clean one in the frequency domain.

    Args:
        loss: Config of the loss, e.g. ``dict(type='FrequencyLoss')``.
        init_cfg: Initialisation config. Defaults to None.
    """

    def __init__(self, loss: dict, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(loss, dict) or 'type' not in loss:
            raise TypeError(f"MFMHead: loss must be a config dict with 'type', got {loss!r}")
        self.loss_module = MODELS.build(loss)

    def loss(self, pred: torch.Tensor, target: torch.Tensor,
             keep: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Computes the reconstruction loss.

        Args:
            pred: Decoder output ``(N, C, H, W)``, in the normalised image space.
            target: Clean normalised image ``(N, C, H, W)``.
            keep: Frequency mask in ``fft2`` layout ``(N, H, W)``, 1 = kept.

        Returns:
            The scalar loss.
        """
        return self.loss_module(pred, target, keep)
