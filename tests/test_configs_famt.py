"""The FAMT configs: the AMT recipe side by side with plain MAE, and the linear probe."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS

from conftest import REPO
from mfm_mm.utils import find_transform

FAMT_DIR = osp.join(REPO, 'configs', 'famt')
FAMT = osp.join(FAMT_DIR, 'famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')
MAE = osp.join(FAMT_DIR, 'mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')
LINEAR = osp.join(FAMT_DIR, 'vit-base-p16_famt-mae-pre_8xb2048-linear-coslr-90e_in1k.py')


def test_famt_and_mae_share_the_recipe_and_differ_only_in_famt():
    famt, mae = Config.fromfile(FAMT), Config.fromfile(MAE)
    for cfg in (famt, mae):
        assert cfg.custom_imports == dict(imports=['mfm_mm'], allow_failed_imports=False)
        assert cfg.train_cfg.max_epochs == 400
        assert cfg.train_dataloader.batch_size * 8 == cfg.auto_scale_lr.base_batch_size == 4096
        assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
        assert cfg.optim_wrapper.optimizer.lr == pytest.approx(1.5e-4 * 4096 / 256)
    assert famt.optim_wrapper == mae.optim_wrapper
    assert famt.param_scheduler == mae.param_scheduler
    assert (famt.model.type, mae.model.type) == ('FAMTMAE', 'MAE')
    assert (famt.model.mask_ratio, famt.model.throw_ratio) == (0.45, 0.40)
    assert famt.model.head == mae.model.head
    hook = next(h for h in famt.custom_hooks if h.type == 'FAMTRefreshHook')
    assert (hook.type, hook.interval, hook.warmup_epochs) == ('FAMTRefreshHook', 40, 40)
    assert (famt.model.fusion, famt.model.freq_weight) == ('sum', 0.5)
    famt_steps = [step.type for step in famt.train_dataloader.dataset.pipeline]
    mae_steps = [step.type for step in mae.train_dataloader.dataset.pipeline]
    assert famt_steps == ['LoadImageFromFile', 'RandomResizedCropWithBox', 'RandomFlip',
                          'PackInputs']
    assert mae_steps == ['LoadImageFromFile', 'RandomResizedCrop', 'RandomFlip', 'PackInputs']
    for ours, theirs in zip(famt.train_dataloader.dataset.pipeline,
                            mae.train_dataloader.dataset.pipeline):  # the same crop and flip
        assert {k: v for k, v in ours.items() if k not in ('type', '_scope_')} == {
            k: v for k, v in theirs.items() if k not in ('type', '_scope_', 'algorithm_keys')
        } or ours.type == 'PackInputs'
    pack = find_transform(famt.train_dataloader.dataset.pipeline, 'PackInputs')
    assert pack.algorithm_keys == ['crop_box']


@pytest.mark.parametrize('path', [FAMT, MAE], ids=['famt', 'mae'])
def test_pretraining_configs_build_and_take_a_step(path, tiny_imagenet):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.backbone.parameters()) / 1e6 == pytest.approx(85.8, abs=0.2)
    cfg.train_dataloader.dataset.data_root = tiny_imagenet
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    item = dataset[0]
    assert item['inputs'].shape == (3, 224, 224)
    if 'FAMT' in cfg.model.type:
        assert item['data_samples'].crop_box.shape == (4, )
        model.reset_weights(len(dataset))
        model.refreshed_epoch.fill_(0)  # as after the first refresh: 45% masked, 40% thrown
    batch = model.data_preprocessor(default_collate([item]), True)
    loss = model(**batch, mode='loss')['loss']
    assert torch.isfinite(loss) and 0.1 < loss.item() < 10


def test_linear_probe_loads_a_famt_backbone(tmp_path):
    famt = Config.fromfile(FAMT)
    init_default_scope('mmpretrain')
    backbone = MODELS.build(famt.model.backbone)
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in backbone.state_dict().items()}},
               tmp_path / 'famt.pth')
    cfg = Config.fromfile(LINEAR)
    assert cfg.custom_imports.imports == ['mfm_mm']
    assert cfg.model.backbone.frozen_stages == 12 and cfg.train_cfg.max_epochs == 90
    cfg.model.backbone.init_cfg.checkpoint = str(tmp_path / 'famt.pth')
    classifier = MODELS.build(cfg.model)
    classifier.init_weights()
    probe = classifier.backbone.state_dict()
    shared = set(probe) & set(backbone.state_dict())
    assert shared == set(probe) and len(shared) == 150  # every probe weight, by name
    for key in shared:
        assert torch.equal(probe[key], backbone.state_dict()[key]), key
