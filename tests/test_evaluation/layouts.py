"""Tiny robustness test sets written in the real folder layouts, from a real photo."""
import contextlib
import os
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.registry import DefaultScope
from PIL import Image

# 3 of ImageNet-R's 200 classes, with their ImageNet-1k indices 1, 4, 6
R_WNIDS = ('n01443537', 'n01494475', 'n01498041')


def write_images(folder: str, count: int, size: int = 32, seed: int = 0) -> List[str]:
    """Writes ``count`` JPEG crops of a bundled photo into ``folder``; returns the paths."""
    from skimage import data
    photo = data.astronaut()
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i in range(count):
        top, left = rng.integers(0, 400, size=2)
        path = osp.join(folder, f'img_{i}.JPEG')
        Image.fromarray(photo[top:top + size, left:left + size]).save(path)
        paths.append(path)
    return paths


def write_wnid_folders(root: str, wnids: Sequence[str], per_class: int) -> None:
    """``root/<wnid>/img_<i>.JPEG``: the layout of ImageNet-A, -R and -Sketch."""
    for index, wnid in enumerate(wnids):
        write_images(osp.join(root, wnid), per_class, seed=index)


def write_imagenet_c(root: str, corruptions: Sequence[str], wnids: Sequence[str],
                     per_class: int) -> None:
    """``root/<corruption>/<severity>/<wnid>/img_<i>.JPEG``: the layout of ImageNet-C."""
    for corruption in corruptions:
        for severity in range(1, 6):
            write_wnid_folders(osp.join(root, corruption, str(severity)), wnids, per_class)


@contextlib.contextmanager
def mmpretrain_scope():
    """Builds from mmpretrain's registries whatever default scope earlier tests left behind."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield
