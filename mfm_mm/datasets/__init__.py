from .transforms import FrequencyMaskGenerator, RandomResizedCropWithBox

__all__ = ['FrequencyMaskGenerator', 'RandomResizedCropWithBox']
