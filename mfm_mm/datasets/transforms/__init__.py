from .crop_with_box import RandomResizedCropWithBox
from .frequency_mask import FrequencyMaskGenerator, disc_keep_mask
from .loading import SafeLoadImageFromFile, decode_rgb

__all__ = [
    'FrequencyMaskGenerator', 'disc_keep_mask', 'RandomResizedCropWithBox',
    'SafeLoadImageFromFile', 'decode_rgb'
]
