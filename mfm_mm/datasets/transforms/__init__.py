from .crop_with_box import RandomResizedCropWithBox
from .famt_weight_map import FAMTWeightMap, crop_weight_map
from .frequency_mask import FrequencyMaskGenerator, disc_keep_mask
from .loading import SafeLoadImageFromFile, decode_rgb

__all__ = [
    'FrequencyMaskGenerator', 'disc_keep_mask', 'RandomResizedCropWithBox', 'FAMTWeightMap',
    'crop_weight_map', 'SafeLoadImageFromFile', 'decode_rgb'
]
