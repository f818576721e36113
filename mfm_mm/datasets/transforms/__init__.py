from .crop_with_box import RandomResizedCropWithBox
from .frequency_mask import FrequencyMaskGenerator
from .load_crop import LoadRandomResizedCrop
from .loading import SafeLoadImageFromFile, decode_rgb, open_image, upright_rgb
from .sample_seed import SeedFromSample, derived_seed

__all__ = [
    'FrequencyMaskGenerator', 'LoadRandomResizedCrop', 'RandomResizedCropWithBox',
    'SafeLoadImageFromFile', 'SeedFromSample', 'decode_rgb', 'derived_seed', 'open_image',
    'upright_rgb'
]
