from .annotation_file import check_annotation_file
from .checked_imagenet import CheckedImageNet
from .transforms import FrequencyMaskGenerator, RandomResizedCropWithBox

__all__ = ['FrequencyMaskGenerator', 'RandomResizedCropWithBox', 'CheckedImageNet',
           'check_annotation_file']
