from .base_corruption import BaseCorruption, build_corruption
from .frequency_mask_corruption import FrequencyMaskCorruption
from .gaussian_blur_corruption import GaussianBlurCorruption
from .gaussian_noise_corruption import GaussianNoiseCorruption
from .super_resolution_corruption import SuperResolutionCorruption

__all__ = [
    'BaseCorruption', 'build_corruption', 'FrequencyMaskCorruption', 'GaussianBlurCorruption',
    'GaussianNoiseCorruption', 'SuperResolutionCorruption'
]
