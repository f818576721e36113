from .annotation_file import check_annotation_file
from .checked_imagenet import CheckedImageNet
from .transforms import FAMTWeightMap, FrequencyMaskGenerator, RandomResizedCropWithBox

__all__ = ['FrequencyMaskGenerator', 'FAMTWeightMap', 'RandomResizedCropWithBox',
           'CheckedImageNet', 'check_annotation_file']
