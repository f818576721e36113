from .transforms import FAMTWeightMap, FrequencyMaskGenerator, RandomResizedCropWithBox

__all__ = ['FrequencyMaskGenerator', 'FAMTWeightMap', 'RandomResizedCropWithBox']
