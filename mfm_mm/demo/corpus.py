"""A small corpus of real photos that ship inside installed packages.

The photos are cropped and written in the ImageNet folder layout so that the demo and the
tests read them through mmpretrain's real ``ImageNet`` dataset and pipelines.
"""
import os
import os.path as osp
from typing import Dict, List

import numpy as np
from PIL import Image

SKIMAGE_PHOTOS = ('astronaut', 'chelsea', 'coffee', 'rocket', 'hubble_deep_field',
                  'immunohistochemistry', 'retina')
SKLEARN_PHOTOS = ('china.jpg', 'flower.jpg')


def bundled_photos() -> Dict[str, np.ndarray]:
    """Loads the RGB photos bundled with scikit-image, scikit-learn and matplotlib.

    Returns:
        Photos keyed by name, each ``(H, W, 3)`` uint8 RGB.
    """
    from matplotlib import cbook
    from skimage import data as skdata
    from sklearn.datasets import load_sample_image

    photos = {name: getattr(skdata, name)()[..., :3] for name in SKIMAGE_PHOTOS}
    left, right, _ = skdata.stereo_motorcycle()
    photos.update(motorcycle_left=left, motorcycle_right=right)
    photos.update({osp.splitext(name)[0]: load_sample_image(name) for name in SKLEARN_PHOTOS})
    with cbook.get_sample_data('grace_hopper.jpg') as f:
        photos['grace_hopper'] = np.asarray(Image.open(f).convert('RGB'))
    return photos


def write_imagenet_folder(root: str, crops_per_photo: int = 8, size: int = 160,
                          seed: int = 0) -> int:
    """Writes random square crops of the bundled photos as ``root/train/<photo>/*.JPEG``.

    Also writes ``root/meta/train.txt`` (``<photo>/<file> <label>`` per line), the
    annotation file of mmpretrain's ImageNet layout. Existing files are overwritten.

    Args:
        root: Dataset root, e.g. ``data/imagenet``.
        crops_per_photo: Crops per photo (one class per photo).
        size: Side of the saved crops, in pixels.
        seed: Seed of the crop positions.

    Returns:
        The number of images written.
    """
    rng = np.random.default_rng(seed)
    lines = []
    for label, (name, photo) in enumerate(sorted(bundled_photos().items())):
        os.makedirs(osp.join(root, 'train', name), exist_ok=True)
        h, w = photo.shape[:2]
        for index in range(crops_per_photo):
            side = int(min(h, w) * rng.uniform(0.5, 1.0))
            top, left = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
            crop = Image.fromarray(photo[top:top + side, left:left + side])
            file = f'{name}/{name}_{index:03d}.JPEG'
            crop.resize((size, size), Image.BICUBIC).save(
                osp.join(root, 'train', file), quality=95)
            lines.append(f'{file} {label}')
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    with open(osp.join(root, 'meta', 'train.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return len(lines)


def write_imagenet_like_jpegs(root: str, count: int = 64, seed: int = 0) -> List[str]:
    """Writes JPEGs shaped like ImageNet's from the bundled photos, for loader benchmarks.

    Each is a random crop of a bundled photo with width / height in ``[3/4, 4/3]``, resized
    so that its shorter side is uniform in 333-500 px, saved at quality 90 as
    ``root/<photo>_<index>.JPEG``.

    Args:
        root: Folder to write to (created).
        count: Number of images.
        seed: Seed of the shapes and crop positions.

    Returns:
        The paths written.
    """
    rng = np.random.default_rng(seed)
    photos = sorted(bundled_photos().items())
    os.makedirs(root, exist_ok=True)
    paths = []
    for index in range(count):
        name, photo = photos[index % len(photos)]
        h, w = photo.shape[:2]
        ratio = rng.uniform(3 / 4, 4 / 3)  # width / height of the written image
        crop_w = min(w, int(h * ratio))
        crop_h = min(h, int(crop_w / ratio))
        top, left = rng.integers(0, h - crop_h + 1), rng.integers(0, w - crop_w + 1)
        short = int(rng.integers(333, 501))
        size = (short, round(short / ratio)) if ratio < 1 else (round(short * ratio), short)
        path = osp.join(root, f'{name}_{index:04d}.JPEG')
        Image.fromarray(photo[top:top + crop_h, left:left + crop_w]).resize(
            size, Image.BICUBIC).save(path, quality=90)
        paths.append(path)
    return paths
