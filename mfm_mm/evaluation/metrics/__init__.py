from .adversarial_accuracy import AdversarialAccuracy
from .alexnet_errors import ALEXNET_ERRORS, STANDARD_CORRUPTIONS
from .imagenet_variant_accuracy import ImageNetVariantAccuracy
from .imagenet_wnids import IMAGENET_WNIDS, wnid_indices
from .mean_corruption_error import MeanCorruptionError

__all__ = [
    'AdversarialAccuracy', 'ALEXNET_ERRORS', 'STANDARD_CORRUPTIONS', 'ImageNetVariantAccuracy',
    'IMAGENET_WNIDS', 'wnid_indices', 'MeanCorruptionError'
]
