from .crop_with_box import RandomResizedCropWithBox
from .frequency_mask import FrequencyMaskGenerator
from .load_crop import LoadRandomResizedCrop
from .loading import SafeLoadImageFromFile, decode_rgb, open_image, upright_rgb

__all__ = [
    'FrequencyMaskGenerator', 'LoadRandomResizedCrop', 'RandomResizedCropWithBox',
    'SafeLoadImageFromFile', 'decode_rgb', 'open_image', 'upright_rgb'
]
