import os

import numpy as np
from PIL import Image

from mfm_mm.demo import bundled_photos


def test_bundled_photos_are_real_rgb_photos():
    photos = bundled_photos()
    assert len(photos) == 12
    for name, photo in photos.items():
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3, name
        assert min(photo.shape[:2]) >= 300, name
        assert photo.std() > 10, name  # not a flat placeholder


def test_imagenet_layout(tiny_imagenet):
    lines = open(os.path.join(tiny_imagenet, 'meta', 'train.txt')).read().split('\n')[:-1]
    assert len(lines) == 48
    labels = {int(line.split()[1]) for line in lines}
    assert labels == set(range(12))
    first = lines[0].split()[0]
    assert Image.open(os.path.join(tiny_imagenet, 'train', first)).size == (96, 96)
    assert sorted(os.listdir(os.path.join(tiny_imagenet, 'train')))[0] == 'astronaut'
