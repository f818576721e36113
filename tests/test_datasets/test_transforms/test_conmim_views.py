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
from PIL import Image

from conftest import REPO
from mfm_mm.demo import bundled_photos
from mfm_mm.utils import find_transform

CONFIG = osp.join(REPO, 'configs', 'conmim', 'conmim_vit-b_300e.py')


def edge_map(image: torch.Tensor) -> torch.Tensor:
    """|dx| + |dy| of the channel mean, flattened: where the edges are, whatever the colours."""
    gray = image.float().mean(0)
    dx, dy = gray[:, 1:] - gray[:, :-1], gray[1:, :] - gray[:-1, :]
    return (dx[:-1].abs() + dy[:, :-1].abs()).flatten()


def correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (a.norm() * b.norm()))


def run(pipeline, path: str, seed: int) -> dict:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return pipeline(dict(img_path=path))


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    cfg = Config.fromfile(CONFIG)
    init_default_scope('mmpretrain')
    path = str(tmp_path_factory.mktemp('conmim') / 'chelsea.png')
    Image.fromarray(bundled_photos()['chelsea']).save(path)
    return cfg, path


def test_views_share_crop_and_flip_on_a_real_photo(setup):
    cfg, path = setup
    pipeline = Compose(cfg.train_pipeline)
    for seed in range(8):
        out = run(pipeline, path, seed)
        weak, strong = out['inputs']
        assert weak.shape == strong.shape == (3, 224, 224)
        mask = out['data_samples'].mask
        assert mask.shape == (14, 14) and int(mask.sum()) == 148  # 37 of 49 32-px units
        # photometric changes keep the edges in place; a mirrored view does not line up
        aligned = correlation(edge_map(weak), edge_map(strong))
        mirrored = correlation(edge_map(weak), edge_map(strong.flip(-1)))
        assert aligned > 0.6 and aligned > mirrored + 0.4, (seed, aligned, mirrored)


def test_without_photometric_changes_the_views_are_identical(setup):
    cfg, path = setup
    steps = copy.deepcopy(cfg.train_pipeline)
    find_transform(steps, 'MultiView')['transforms'] = [[], []]  # weak view twice
    pipeline = Compose(steps)
    weak_views = []
    for seed in range(4):
        weak, strong = run(pipeline, path, seed)['inputs']
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
