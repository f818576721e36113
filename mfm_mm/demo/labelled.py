"""Small real labelled sets from installed packages, in the layouts of the real benchmarks.

- Classification: scikit-learn's handwritten digits (1,797 real 8 x 8 scans, 10 classes) in
  mmpretrain's ImageNet layout (``train/``, ``val/``, ``meta/{train,val}.txt``).
- Segmentation: scikit-image's ``coins`` photo with coin masks from a watershed, in
  mmseg's ADE20K layout (``images/{training,validation}``, ``annotations/...``) and ADE20K's
  label convention (0 = unlabelled and ignored, class ``k`` stored as ``k + 1``).
"""
import os
import os.path as osp
from typing import Dict, Sequence, Tuple

import numpy as np
from PIL import Image

DIGIT_CLASSES = ('zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight',
                 'nine')
COIN_CLASSES = ('background', 'coin')


def write_imagenet_split(root: str, images: np.ndarray, labels: np.ndarray,
                         splits: Dict[str, np.ndarray], classes: Sequence[str]) -> None:
    """Writes chosen images as ``root/<split>/<class>/<class>_<index>.png`` plus
    ``root/meta/<split>.txt`` (``<class>/<file> <label>`` per line), mmpretrain's ImageNet layout.

    Args:
        root: Dataset root.
        images: ``(N, H, W, 3)`` uint8 RGB images.
        labels: ``(N,)`` class indices into ``classes``.
        splits: Indices into ``images`` per split name, e.g. ``{'train': ..., 'val': ...}``.
        classes: Class names (the folder names).
    """
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    for split, chosen in splits.items():
        rows = []
        for index in chosen:
            name = classes[labels[index]]
            os.makedirs(osp.join(root, split, name), exist_ok=True)
            file = f'{name}/{name}_{index:04d}.png'
            Image.fromarray(images[index]).save(osp.join(root, split, file))
            rows.append(f'{file} {labels[index]}')
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(rows) + '\n')


def write_digits_imagenet_folder(root: str, size: int = 64, train_per_class: int = 30,
                                 val_per_class: int = 30, seed: int = 0) -> Dict[str, int]:
    """Writes scikit-learn's digits as RGB PNGs in the ImageNet layout.

    The images of each class are shuffled once and split without overlap.

    Args:
        root: Dataset root.
        size: Side of the saved images (the 8 x 8 scans are upsampled bicubically).
        train_per_class: Training images per class.
        val_per_class: Validation images per class.
        seed: Seed of the split.

    Returns:
        Number of images per split, e.g. ``{'train': 300, 'val': 300}``.
    """
    from sklearn.datasets import load_digits
    digits = load_digits()
    rng = np.random.default_rng(seed)
    splits = {'train': [], 'val': []}
    for label in range(len(DIGIT_CLASSES)):
        indices = rng.permutation(np.flatnonzero(digits.target == label))
        splits['train'].append(indices[:train_per_class])
        splits['val'].append(indices[train_per_class:train_per_class + val_per_class])
    # (N, 8, 8) in [0, 16] -> (N, size, size, 3) uint8
    images = np.stack([
        np.asarray(Image.fromarray((scan * (255 / 16)).astype(np.uint8)).resize(
            (size, size), Image.BICUBIC).convert('RGB')) for scan in digits.images])
    write_imagenet_split(root, images, digits.target,
                         {split: np.concatenate(rows) for split, rows in splits.items()},
                         DIGIT_CLASSES)
    return {split: sum(map(len, rows)) for split, rows in splits.items()}


def coin_masks() -> Tuple[np.ndarray, np.ndarray]:
    """The ``coins`` photo and its coin mask (scikit-image's watershed recipe).

    Returns:
        The ``(303, 384)`` uint8 photo and a bool mask of the same shape: a watershed of the
        Sobel gradient from sure background (< 30) and sure coin (> 150) markers, holes
        filled, opened to drop speckles (24 coins).
    """
    from scipy import ndimage
    from skimage import data, filters, segmentation
    photo = data.coins()
    markers = np.zeros_like(photo)
    markers[photo < 30] = 1
    markers[photo > 150] = 2
    regions = segmentation.watershed(filters.sobel(photo), markers)
    mask = ndimage.binary_fill_holes(regions == 2)
    return photo, ndimage.binary_opening(mask, iterations=2)


def write_coins_ade20k_folder(root: str, size: int = 96, num_train: int = 48,
                              num_val: int = 8, seed: int = 0) -> Dict[str, int]:
    """Writes random crops of the ``coins`` photo and their masks in the ADE20K layout.

    Training crops come from the left two thirds of the photo, validation crops from the
    right third, so the two splits never share pixels.

    Args:
        root: Dataset root (``data/ade/ADEChallengeData2016`` for the real set).
        size: Side of the saved crops.
        num_train: Training crops.
        num_val: Validation crops.
        seed: Seed of the crop positions.

    Returns:
        Number of images per split, e.g. ``{'training': 48, 'validation': 8}``.
    """
    photo, mask = coin_masks()
    labels = mask.astype(np.uint8) + 1  # ADE20K convention: class k stored as k + 1
    rng = np.random.default_rng(seed)
    height, width = photo.shape
    split_x = width * 2 // 3
    regions = {'training': (0, split_x, num_train), 'validation': (split_x, width, num_val)}
    for split, (x0, x1, count) in regions.items():
        os.makedirs(osp.join(root, 'images', split), exist_ok=True)
        os.makedirs(osp.join(root, 'annotations', split), exist_ok=True)
        for index in range(count):
            side = int(rng.integers(min(96, x1 - x0), min(height, x1 - x0) + 1))
            top = int(rng.integers(0, height - side + 1))
            left = int(rng.integers(x0, x1 - side + 1))
            window = (slice(top, top + side), slice(left, left + side))
            image = Image.fromarray(photo[window]).convert('RGB')
            image.resize((size, size), Image.BICUBIC).save(
                osp.join(root, 'images', split, f'coins_{index:03d}.jpg'), quality=95)
            Image.fromarray(labels[window]).resize((size, size), Image.NEAREST).save(
                osp.join(root, 'annotations', split, f'coins_{index:03d}.png'))
    return {split: count for split, (_, _, count) in regions.items()}
