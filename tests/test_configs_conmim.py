"""ConMIM configs (configs/conmim): recipes, model sizes and a real pre-training step."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS

from conftest import REPO
from mfm_mm.utils import find_transform

ROOT = osp.join(REPO, 'configs', 'conmim')
PRETRAIN = ['conmim_vit-s_300e.py', 'conmim_vit-b_300e.py', 'conmim_vit-b_800e.py']
FINETUNE = 'benchmarks/vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py'
ADE20K = 'benchmarks/vit-base-p16_conmim-pre_upernet_8xb2-amp-160k_ade20k-512x512.py'


def load(name: str) -> Config:
    return Config.fromfile(osp.join(ROOT, name))


def test_the_documented_configs_exist_and_import_mfm_mm():
    names = {osp.relpath(p, ROOT) for p in glob.glob(osp.join(ROOT, '**', '*.py'), recursive=True)
             if '_base_' not in p}
    assert names == set(PRETRAIN + [FINETUNE, ADE20K])
    for name in names:
        assert load(name).custom_imports == dict(imports=['mfm_mm'], allow_failed_imports=False)


@pytest.mark.parametrize('name, epochs', [('conmim_vit-b_300e.py', 300),
                                          ('conmim_vit-b_800e.py', 800)])
def test_pretraining_recipe(name, epochs):
    cfg = load(name)
    assert cfg.train_dataloader.batch_size * 8 == cfg.auto_scale_lr.base_batch_size == 2048
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.betas, optimizer.weight_decay) == (
        'AdamW', 1.5e-3, (0.9, 0.98), 0.05)
    assert cfg.optim_wrapper.clip_grad.max_norm == 1.0
    schedule = cfg.param_scheduler
    assert (schedule.type, schedule.convention, schedule.warmup) == ('WarmupCosineLR', 'beit', 10)
    assert schedule.end == cfg.train_cfg.max_epochs == epochs
    assert schedule.warmup_ratio == 0 and schedule.min_ratio * 1.5e-3 == pytest.approx(1e-5)
    model = cfg.model
    assert (model.momentum, model.end_momentum) == (0.996, 1.0)
    assert model.head.loss == dict(type='PatchInfoNCELoss', temperature=0.1)
    backbone = model.backbone
    assert backbone.type == 'FusedBEiTPretrainViT' and backbone.fused_attn
    assert backbone.layer_scale_init_value == 0.1
    assert backbone.use_shared_rel_pos_bias and not backbone.use_abs_pos_emb
    assert backbone.drop_path_rate == 0.0
    assert (model.neck.hid_channels, model.neck.out_channels, model.neck.num_layers) == (
        4096, 256, 3)
    assert not model.neck.with_last_bn_affine and not model.neck.with_bias
    mask = find_transform(cfg.train_pipeline, 'SimMIMMaskGenerator')
    assert (mask.mask_patch_size, mask.mask_ratio) == (32, 0.75)
    assert find_transform(cfg.train_pipeline, 'LoadRandomResizedCrop').crop_ratio_range == (0.08, 1.0)


@pytest.mark.parametrize('name, millions', [('conmim_vit-b_800e.py', 85.7),
                                            ('conmim_vit-s_300e.py', 21.6)])
def test_backbone_sizes(name, millions):
    init_default_scope('mmpretrain')
    backbone = MODELS.build(load(name).model.backbone)
    assert sum(p.numel() for p in backbone.parameters()) / 1e6 == pytest.approx(millions, abs=0.1)


def test_vit_s_config_scores_a_real_batch_at_224(tiny_imagenet):
    cfg = load('conmim_vit-s_300e.py')
    init_default_scope(cfg.default_scope)
    cfg.model.data_preprocessor = cfg.data_preprocessor
    model = MODELS.build(cfg.model)
    cfg.train_dataloader.dataset.data_root = tiny_imagenet
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    batch = model.data_preprocessor(default_collate([dataset[0], dataset[1]]), training=True)
    assert [view.shape for view in batch['inputs']] == [(2, 3, 224, 224)] * 2
    MessageHub.get_current_instance().update_info('max_iters', 100)
    with torch.no_grad():
        loss = model(**batch, mode='loss')['loss']
    # 196 patches: chance is log(196) = 5.28
    assert torch.isfinite(loss) and 1.0 < loss.item() < 3 * math.log(196)
    assert model.teacher.steps.item() == 1


def test_finetuning_recipe():
    cfg = load(FINETUNE)
    assert cfg.model.type == 'ImageClassifier'
    backbone = cfg.model.backbone
    assert backbone.type == 'BEiTViT' and backbone.use_rel_pos_bias
    assert not backbone.use_abs_pos_emb and backbone.drop_path_rate == 0.1
    assert backbone.init_cfg.prefix == 'backbone.'
    assert backbone.init_cfg.checkpoint.endswith('teacher_backbone.pth')
    assert cfg.optim_wrapper.constructor == 'LearningRateDecayOptimWrapperConstructor'
    assert cfg.optim_wrapper.paramwise_cfg.layer_decay_rate == 0.65
    assert cfg.optim_wrapper.optimizer.lr == 4e-3
    assert cfg.train_dataloader.batch_size * 8 == 1024 and cfg.train_cfg.max_epochs == 100
    assert [a['type'] for a in cfg.model.train_cfg.augments] == ['Mixup', 'CutMix']
    assert cfg.data_preprocessor.mean == [123.675, 116.28, 103.53]


def test_ade20k_recipe_is_the_shared_upernet_path():
    cfg = load(ADE20K)
    assert cfg.default_scope == 'mmseg'
    assert cfg.model.backbone.type == 'mmpretrain.BEiTViT'
    assert cfg.model.backbone.out_indices == (3, 5, 7, 11) and cfg.model.backbone.img_size == 512
    assert cfg.model.decode_head.type == 'UPerHead' and cfg.model.neck.type == 'Feature2Pyramid'
    assert cfg.optim_wrapper.paramwise_cfg.decay_rate == 0.65
    assert cfg.train_cfg.max_iters == 160000 and cfg.train_dataloader.batch_size == 2
