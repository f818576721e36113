"""Masked Frequency Modeling (MFM), Xie et al., ICLR 2023, and its frequency family."""
import inspect
from typing import Dict, List, Optional, Tuple

import torch
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..corruptions import build_corruption
from .run_hooks_note import note_missing_run_hooks


def check_image_only_backbone(backbone: torch.nn.Module) -> None:
    """Raises ``TypeError`` when the backbone's forward needs more than the image (a MIM
    mask), naming the arguments and the plain base class that takes the image alone."""

    def required(kind: type) -> List[str]:
        params = list(inspect.signature(kind.forward).parameters.values())[2:]  # after the image
        return [p.name for p in params if p.default is inspect.Parameter.empty and
                p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    kind = type(backbone)
    if required(kind):
        plain = next((base.__name__ for base in kind.__mro__[1:]
                      if hasattr(base, 'forward') and not required(base)), None)
        raise TypeError(
            f'MFM feeds the whole corrupted image to its backbone, but {kind.__name__}.forward '
            f'also requires {", ".join(map(repr, required(kind)))}; use backbone '
            f'type={plain!r}, which takes the image alone')


@MODELS.register_module()
class MFM(BaseSelfSupervisor):
    """Masked Frequency Modeling and the restoration pretexts of its unified frequency view.

    Implementation of `Masked Frequency Modeling for Self-Supervised Visual Pre-Training
    <https://arxiv.org/abs/2206.07706>`_. A ``corruption`` degrades each image on the device
    (MFM: the spectrum filtered with the mask of ``FrequencyMaskGenerator``; super-resolution,
    deblurring, denoising: see ``mfm_mm.models.corruptions``); the encoder sees the whole
    corrupted image (no mask token), a one-layer decoder (``neck``, e.g.
    ``SimMIMLinearDecoder``) predicts the clean image and the head's ``FrequencyLoss`` scores
    it in the frequency domain. The corruption works on un-normalised images, so
    ``data_preprocessor`` must normalise (``mean`` and ``std`` set).

    Args:
        backbone: Encoder config; its forward takes the image alone.
        neck: Decoder config.
        head: Head config, mmpretrain's ``MIMHead`` with ``loss=dict(type='FrequencyLoss')``.
        corruption: Corruption config. Defaults to ``dict(type='FrequencyMaskCorruption')``.
        check_run_hooks: At the first training step, log one line if the run lacks the
            project's pictures and run guards (:mod:`.run_hooks_note`). Defaults to True.
        **kwargs: ``pretrained``, ``data_preprocessor``, ``init_cfg`` of
            ``BaseSelfSupervisor``.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 corruption: Optional[dict] = None, check_run_hooks: bool = True,
                 **kwargs) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head, **kwargs)
        check_image_only_backbone(self.backbone)
        self.check_run_hooks = check_run_hooks
        self.corruption = build_corruption(corruption or dict(type='FrequencyMaskCorruption'))

    def reconstruct(self, inputs: torch.Tensor,
                    data_samples: List[DataSample]) -> Tuple[torch.Tensor, ...]:
        """Corrupts the normalised batch ``(N, C, H, W)`` and reconstructs it.

        Returns:
            ``(corrupted, reconstruction, keep)``: normalised images ``(N, C, H, W)`` and the
            corruption's bool mask in ``fft2`` layout ``(N, H, W)`` or None.
        """
        corrupted, keep = self.corruption.corrupt(inputs, data_samples, self.data_preprocessor)
        latent = self.backbone(corrupted)[-1]  # (N, C', H / s, W / s)
        return corrupted, self.neck(latent), keep  # reconstruction (N, 3, H, W)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """``dict(loss=...)``: the head's loss of the reconstruction of ``inputs``."""
        if self.check_run_hooks:
            self.check_run_hooks = False  # once per model
            note_missing_run_hooks()
        _, reconstruction, keep = self.reconstruct(inputs, data_samples)
        return dict(loss=self.head.loss(reconstruction, inputs, keep))
