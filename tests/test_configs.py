"""Every config builds its model and its dataset pipeline on a generated dataset."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS

from conftest import REPO
from mfm_mm.utils import crop_size, find_transform

# MFM pre-training configs; ConMIM, FAMT and the benchmarks have their own config tests.
CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs', '*.py')) +
                 glob.glob(osp.join(REPO, 'configs', 'demo', '*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_config_builds_model_and_pipeline(path, tiny_imagenet):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)  # as the Runner does
    model = MODELS.build(cfg.model)
    assert model.data_preprocessor._enable_normalize
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.data_root = tiny_imagenet
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 48
    item = dataset[0]
    size = crop_size(cfg.train_pipeline)[0]
    assert item['inputs'].shape == (3, size, size)
    assert item['data_samples'].freq_mask.shape == (size, size)
    with torch.no_grad():
        feats = model.extract_feat(torch.zeros(1, 3, size, size))
        assert model.neck(feats[-1]).shape == (1, 3, size, size)


@pytest.mark.parametrize('name, millions', [('mfm_vit-b_800e.py', 85.8),
                                            ('mfm_vit-s_300e.py', 21.7),
                                            ('mfm_resnet50_300e.py', 23.5)])
def test_backbone_sizes(name, millions):
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    init_default_scope('mmpretrain')
    backbone = MODELS.build(cfg.model.backbone)
    assert sum(p.numel() for p in backbone.parameters()) / 1e6 == pytest.approx(millions, abs=0.1)


def test_flagship_recipe():
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'mfm_vit-b_800e.py'))
    assert cfg.train_dataloader.batch_size * 8 == cfg.auto_scale_lr.base_batch_size == 2048
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(1.2e-3)
    assert cfg.optim_wrapper.optimizer.betas == (0.9, 0.95)
    assert cfg.optim_wrapper.clip_grad.max_norm == 3.0
    schedule = cfg.param_scheduler
    assert (schedule.type, schedule.convention) == ('WarmupCosineLR', 'timm')
    assert schedule.warmup == 20 and schedule.end == cfg.train_cfg.max_epochs == 800
    assert schedule.warmup_ratio * 1.2e-3 == pytest.approx(2.5e-7 * 4)
    assert schedule.min_ratio * 1.2e-3 == pytest.approx(2.5e-6 * 4)
    assert cfg.train_dataloader.dataset.data_root == 'data/imagenet/'
    resnet = Config.fromfile(osp.join(REPO, 'configs', 'mfm_resnet50_300e.py'))
    mask = find_transform(cfg.train_dataloader.dataset.pipeline, 'FrequencyMaskGenerator')
    assert mask.radius == 16 and mask.low_pass_prob == 0.5 and 'input_size' not in mask
    resnet_mask = find_transform(resnet.train_dataloader.dataset.pipeline,
                                 'FrequencyMaskGenerator')
    assert resnet_mask.low_pass_prob == 0.3 and resnet_mask.radius == 16
