from .base_corruption import BaseCorruption
from .builder import build_corruption, registered_corruptions
from .frequency_mask_corruption import FrequencyMaskCorruption
from .gaussian_blur_corruption import GaussianBlurCorruption
from .gaussian_noise_corruption import GaussianNoiseCorruption
from .super_resolution_corruption import SuperResolutionCorruption

__all__ = [
    'BaseCorruption', 'build_corruption', 'registered_corruptions', 'FrequencyMaskCorruption',
    'GaussianBlurCorruption', 'GaussianNoiseCorruption', 'SuperResolutionCorruption'
]
