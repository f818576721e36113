from .corpus import bundled_photos, write_imagenet_folder, write_imagenet_like_jpegs
from .downstream import as_cli, classification_options, segmentation_options
from .labelled import (COIN_CLASSES, DIGIT_CLASSES, write_coins_ade20k_folder,
                       write_digits_imagenet_folder, write_imagenet_split)
from .mnist import SEG_CLASSES, load_mnist_5k, split_mnist, write_mnist_folders

__all__ = ['bundled_photos', 'write_imagenet_folder', 'write_imagenet_like_jpegs', 'as_cli', 'classification_options',
           'segmentation_options', 'COIN_CLASSES', 'DIGIT_CLASSES', 'write_coins_ade20k_folder',
           'write_digits_imagenet_folder', 'write_imagenet_split', 'SEG_CLASSES',
           'load_mnist_5k', 'split_mnist', 'write_mnist_folders']
