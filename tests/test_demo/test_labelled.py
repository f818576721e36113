"""mfm_mm.demo.labelled: real labelled sets in the ImageNet and ADE20K layouts."""
import os
import os.path as osp

import numpy as np
from PIL import Image

from mfm_mm.demo import (COIN_CLASSES, DIGIT_CLASSES, write_coins_ade20k_folder,
                         write_digits_imagenet_folder)
from mfm_mm.demo.labelled import coin_masks


def test_digits_in_the_imagenet_layout(tmp_path):
    root = str(tmp_path)
    assert write_digits_imagenet_folder(root, size=32, train_per_class=3, val_per_class=2) == {
        'train': 30, 'val': 20}
    splits = {}
    for split in ('train', 'val'):
        with open(osp.join(root, 'meta', f'{split}.txt')) as f:
            rows = [line.split() for line in f.read().splitlines()]
        splits[split] = {file for file, _ in rows}
        for file, label in rows[::7]:
            assert file.split('/')[0] == DIGIT_CLASSES[int(label)]
            image = Image.open(osp.join(root, split, file))
            assert image.size == (32, 32) and image.mode == 'RGB'
    assert not splits['train'] & splits['val']  # disjoint scans
    assert sorted(os.listdir(osp.join(root, 'train'))) == sorted(DIGIT_CLASSES)


def test_coin_masks_find_the_24_coins():
    from scipy import ndimage
    photo, mask = coin_masks()
    assert photo.shape == mask.shape == (303, 384)
    assert ndimage.label(mask)[1] == 24
    assert 0.3 < mask.mean() < 0.37
    assert photo[mask].mean() > photo[~mask].mean() + 60  # coins are bright


def test_coins_in_the_ade20k_layout(tmp_path):
    root = str(tmp_path)
    assert write_coins_ade20k_folder(root, size=48, num_train=3, num_val=2) == {
        'training': 3, 'validation': 2}
    for split, count in (('training', 3), ('validation', 2)):
        images = sorted(os.listdir(osp.join(root, 'images', split)))
        labels = sorted(os.listdir(osp.join(root, 'annotations', split)))
        assert len(images) == count and [f[:-4] for f in images] == [f[:-4] for f in labels]
        label = np.asarray(Image.open(osp.join(root, 'annotations', split, labels[0])))
        assert label.shape == (48, 48)
        # ADE20K convention: class k stored as k + 1, 0 reserved for "unlabelled"
        assert set(np.unique(label)) <= {1, len(COIN_CLASSES)}
