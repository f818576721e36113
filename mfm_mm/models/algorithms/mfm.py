"""Masked Frequency Modeling (MFM), Xie et al., ICLR 2023."""
from typing import Dict, List, Tuple

import torch
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils.frequency import frequency_corrupt, to_fft_layout


@MODELS.register_module()
class MFM(BaseSelfSupervisor):
    """Masked Frequency Modeling.

    Implementation of `Masked Frequency Modeling for Self-Supervised Visual Pre-Training
    <https://arxiv.org/abs/2206.07706>`_. Each image's spectrum is filtered with the mask drawn
    by ``FrequencyMaskGenerator``; the encoder sees the whole corrupted image (no mask token),
    a one-layer decoder (``neck``, e.g. ``SimMIMLinearDecoder``) predicts the clean image and
    the head scores the prediction on the removed frequencies.

    The corruption needs the normaliser's statistics, so ``data_preprocessor`` must normalise
    (``mean`` and ``std`` set).
    """

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Extracts backbone features of (uncorrupted) images.

        Args:
            inputs: Normalised images ``(N, C, H, W)``.

        Returns:
            The backbone outputs.
        """
        return self.backbone(inputs)

    def reconstruct(self, inputs: torch.Tensor,
                    data_samples: List[DataSample]) -> Tuple[torch.Tensor, ...]:
        """Corrupts the batch and reconstructs it.

        Args:
            inputs: Normalised clean images ``(N, C, H, W)``.
            data_samples: Samples carrying ``freq_mask`` ``(H, W)`` (fftshift-ed, 1 = keep).

        Returns:
            ``(corrupted, reconstruction, keep)``: the corrupted and reconstructed normalised
            images ``(N, C, H, W)`` and the bool mask in ``fft2`` layout ``(N, H, W)``.
        """
        if not getattr(self.data_preprocessor, '_enable_normalize', False):
            raise ValueError('MFM needs data_preprocessor with mean and std: the corruption '
                             'works on un-normalised images')
        keep = torch.stack([ds.freq_mask for ds in data_samples]).to(inputs.device, torch.bool)
        keep = to_fft_layout(keep)  # (N, H, W)
        corrupted = frequency_corrupt(inputs, keep, self.data_preprocessor.mean,
                                      self.data_preprocessor.std)
        latent = self.backbone(corrupted)[-1]  # (N, C', H / s, W / s)
        reconstruction = self.neck(latent)  # (N, 3, H, W)
        return corrupted, reconstruction, keep

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Computes the MFM loss of a batch.

        Args:
            inputs: Normalised clean images ``(N, C, H, W)``.
            data_samples: Samples carrying ``freq_mask``.

        Returns:
            ``dict(loss=...)``.
        """
        _, reconstruction, keep = self.reconstruct(inputs, data_samples)
        return dict(loss=self.head.loss(reconstruction, inputs, keep))
