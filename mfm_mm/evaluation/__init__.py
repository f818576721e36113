"""Robustness evaluation of fine-tuned classifiers: ImageNet-C / -A / -R / -Sketch, FGSM, PGD."""
from .adversarial_test_loop import AdversarialTestLoop
from .attacks import pgd_attack
from .metrics import (AdversarialAccuracy, ImageNetVariantAccuracy, MeanCorruptionError,
                      wnid_indices)

__all__ = [
    'AdversarialTestLoop', 'pgd_attack', 'AdversarialAccuracy', 'ImageNetVariantAccuracy',
    'MeanCorruptionError', 'wnid_indices'
]
