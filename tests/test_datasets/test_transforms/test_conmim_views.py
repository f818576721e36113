"""ConMIM's two-view pipeline (configs/conmim): one crop + flip shared by both views."""
import copy
import os.path as osp
import random

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

from conftest import REPO
from mfm_mm.demo import bundled_photos

CONFIG = osp.join(REPO, 'configs', 'conmim', 'conmim_vit-b_300e.py')


def edge_map(image: torch.Tensor) -> torch.Tensor:
    """|dx| + |dy| of the channel mean, flattened: where the edges are, whatever the colours."""
    gray = image.float().mean(0)
    dx, dy = gray[:, 1:] - gray[:, :-1], gray[1:, :] - gray[:-1, :]
    return (dx[:-1].abs() + dy[:, :-1].abs()).flatten()


def correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (a.norm() * b.norm()))


def run(pipeline, image: np.ndarray, seed: int) -> dict:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return pipeline(dict(img=image.copy(), img_shape=image.shape[:2], ori_shape=image.shape[:2]))


@pytest.fixture(scope='module')
def setup():
    cfg = Config.fromfile(CONFIG)
    init_default_scope('mmpretrain')
    image = np.ascontiguousarray(bundled_photos()['chelsea'][..., ::-1])  # BGR, as loaded
    return cfg, image


def test_views_share_crop_and_flip_on_a_real_photo(setup):
    cfg, image = setup
    pipeline = Compose(cfg.train_pipeline[1:])  # the photo replaces LoadImageFromFile
    for seed in range(8):
        out = run(pipeline, image, seed)
        weak, strong = out['inputs']
        assert weak.shape == strong.shape == (3, 224, 224)
        mask = out['data_samples'].mask
        assert mask.shape == (14, 14) and int(mask.sum()) == 148  # 37 of 49 32-px units
        # photometric changes keep the edges in place; a mirrored view does not line up
        aligned = correlation(edge_map(weak), edge_map(strong))
        mirrored = correlation(edge_map(weak), edge_map(strong.flip(-1)))
        assert aligned > 0.6 and aligned > mirrored + 0.4, (seed, aligned, mirrored)


def test_without_photometric_changes_the_views_are_identical(setup):
    cfg, image = setup
    steps = copy.deepcopy(cfg.train_pipeline[1:])
    steps[2]['transforms'] = [[], []]  # MultiView: weak view twice
    pipeline = Compose(steps)
    weak_views = []
    for seed in range(4):
        weak, strong = run(pipeline, image, seed)['inputs']
        assert torch.equal(weak, strong)
        weak_views.append(weak)
    assert not torch.equal(weak_views[0], weak_views[1])  # the shared crop is random


def test_dataset_yields_two_views_and_a_mask(setup, tiny_imagenet):
    cfg, _ = setup
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.data_root = tiny_imagenet
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 48
    item = dataset[0]
    assert [view.shape for view in item['inputs']] == [(3, 224, 224)] * 2
    assert item['data_samples'].mask.shape == (14, 14)
