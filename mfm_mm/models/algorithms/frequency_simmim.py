"""SimMIM with MFM's frequency corruption in front: a plug-in of the frequency family."""
from typing import Dict, List, Optional

import torch
from mmpretrain.models import SimMIM
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..corruptions import build_corruption


@MODELS.register_module()
class FrequencySimMIM(SimMIM):
    """SimMIM whose encoder sees frequency-corrupted images.

    mmpretrain's ``SimMIM`` replaces the patches of ``SimMIMMaskGenerator``'s mask with a mask
    token and regresses their clean pixels (``SimMIMHead``, ``PixelReconstructionLoss``).
    Here the image is first degraded by a corruption of the frequency family (default: MFM's
    mask drawn by ``FrequencyMaskGenerator``), so the visible patches carry only part of the
    spectrum; the target stays the clean pixels of the masked patches. Backbone, neck, head
    and loss are SimMIM's own.

    Args:
        backbone: Backbone config, e.g. ``SimMIMSwinTransformer``.
        neck: Neck config, e.g. ``SimMIMLinearDecoder``.
        head: Head config, e.g. ``SimMIMHead``.
        corruption: Corruption config. Defaults to ``dict(type='FrequencyMaskCorruption')``.
        **kwargs: Other arguments of ``SimMIM``.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 corruption: Optional[dict] = None, **kwargs) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head, **kwargs)
        self.corruption = build_corruption(corruption or dict(type='FrequencyMaskCorruption'))

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Corrupts, masks, reconstructs and scores the masked pixels.

        Args:
            inputs: Normalised clean images ``(N, C, H, W)``.
            data_samples: Samples carrying SimMIM's ``mask`` ``(H / p, W / p)`` (and
                ``freq_mask`` for MFM's corruption).

        Returns:
            ``dict(loss=...)``.
        """
        corrupted, _ = self.corruption.corrupt(inputs, data_samples, self.data_preprocessor)
        mask = torch.stack([sample.mask for sample in data_samples])  # (N, H / p, W / p)
        latent = self.backbone(corrupted, mask)
        reconstruction = self.neck(latent[0])  # (N, 3, H, W)
        return dict(loss=self.head.loss(reconstruction, inputs, mask))
