"""MFM's corruption: an ideal filter on the spectrum, with the mask drawn by the pipeline."""
from typing import List, Tuple

import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils.frequency import frequency_filter, to_fft_layout
from .base_corruption import BaseCorruption


@MODELS.register_module()
class FrequencyMaskCorruption(BaseCorruption):
    """Keeps the frequencies of each image's ``freq_mask``, then clamps to ``[0, 1]``.

    The masks (low-pass, high-pass, band, sampled radius) come from ``FrequencyMaskGenerator``
    in the data pipeline, packed with ``PackInputs(algorithm_keys=['freq_mask'])``.
    """

    def forward(self, images: torch.Tensor,
                data_samples: List[DataSample]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Filters every image ``(N, C, H, W)`` in ``[0, 1]`` with its sample's ``freq_mask``
        ``(H, W)`` (fftshift-ed, True = keep).

        Returns:
            ``(corrupted, keep)``: the clamped filtered images and the masks in ``fft2``
            layout ``(N, H, W)``.
        """
        if not all('freq_mask' in sample for sample in data_samples):
            raise ValueError(
                'FrequencyMaskCorruption needs `freq_mask` in every data sample: add '
                "FrequencyMaskGenerator and PackInputs(algorithm_keys=['freq_mask']) to the "
                'train pipeline')
        keep = torch.stack([sample.freq_mask for sample in data_samples])
        keep = to_fft_layout(keep.to(images.device, torch.bool))  # (N, H, W)
        return frequency_filter(images, keep).clamp_(0., 1.), keep
