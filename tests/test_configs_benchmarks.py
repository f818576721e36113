"""configs/benchmarks/: every downstream recipe builds, with the settings the spec lists."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, DefaultScope
from mmpretrain.registry import TRANSFORMS
from PIL import Image

from conftest import REPO
from mfm_mm.demo import bundled_photos
from mfm_mm.engine.runner import adapt_to_cpu
from mfm_mm.utils import find_transform

BENCHMARKS = osp.join(REPO, 'configs', 'benchmarks')
CONFIGS = sorted(glob.glob(osp.join(BENCHMARKS, '**', '*.py'), recursive=True))
VIT_B_FINETUNE = osp.join(BENCHMARKS, 'classification', 'vit-base-p16_8xb256-coslr-100e_in1k.py')
VIT_B_UPERNET = osp.join(BENCHMARKS, 'segmentation',
                         'vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py')


def build_model(cfg: Config) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = dict(cfg.model)
        model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
        return MODELS.build(model)


def lr_scales(cfg: Config, model: torch.nn.Module) -> dict:
    """Learning-rate scale of every trainable parameter, by name."""
    adapt_to_cpu(cfg, distributed=False)  # AmpOptimWrapper -> OptimWrapper without CUDA
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    names = {id(param): name for name, param in model.named_parameters()}
    return {names[id(param)]: round(group['lr'] / base_lr, 8)
            for group in optim_wrapper.optimizer.param_groups for param in group['params']}


def test_every_task_has_configs():
    names = [osp.relpath(path, BENCHMARKS) for path in CONFIGS]
    assert len(names) == 9, names
    assert sum(name.startswith('segmentation/') for name in names) == 2


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, BENCHMARKS))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports == dict(imports=['mfm_mm'], allow_failed_imports=False)
    init_cfg = cfg.model.backbone.init_cfg
    assert init_cfg.type == 'Pretrained' and init_cfg.checkpoint == cfg.pretrained
    segmentation = '/segmentation/' in path
    assert cfg.default_scope == ('mmseg' if segmentation else 'mmpretrain')
    # mmseg backbones take converted weights (mfm2mmseg); classifiers the backbone prefix.
    assert init_cfg.get('prefix') == (None if segmentation else 'backbone.')
    model = build_model(cfg)
    trainable = sum(p.numel() for p in model.backbone.parameters() if p.requires_grad)
    if 'linear' in path:
        assert trainable == 0
        assert [type(neck).__name__ for neck in model.neck] == [
            'GlobalAveragePooling', 'ClsBatchNormNeck']
        assert not model.neck[1].bn.affine
    else:
        assert trainable > 20e6
    for name in ('train_dataloader', 'val_dataloader', 'val_evaluator', 'test_evaluator'):
        assert cfg.get(name) is not None, name


def test_vit_b_finetune_recipe():
    cfg = Config.fromfile(VIT_B_FINETUNE)
    backbone, train = cfg.model.backbone, cfg.train_dataloader.dataset.pipeline
    assert (backbone.drop_path_rate, backbone.out_type, backbone.final_norm) == (
        0.1, 'avg_featmap', False)
    assert [aug.type for aug in cfg.model.train_cfg.augments] == ['Mixup', 'CutMix']
    assert [aug.alpha for aug in cfg.model.train_cfg.augments] == [0.8, 1.0]
    assert cfg.model.head.loss.label_smooth_val == 0.1
    assert [t.type for t in train] == ['LoadRandomResizedCrop', 'RandomFlip', 'RandAugment',
                                       'RandomErasing', 'PackInputs']
    augment, erasing = find_transform(train, 'RandAugment'), find_transform(train, 'RandomErasing')
    assert (augment.magnitude_level, augment.magnitude_std, erasing.erase_prob) == (9, 0.5, 0.25)
    test = cfg.test_dataloader.dataset.pipeline
    assert (find_transform(test, 'ResizeEdge').scale,
            find_transform(test, 'CenterCrop').crop_size) == (256, 224)
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(8e-3)
    assert cfg.train_cfg.max_epochs == 100 and cfg.param_scheduler.warmup == 5
    assert Config.fromfile(VIT_B_FINETUNE.replace(
        'vit-base-p16_8xb256-coslr-100e', 'vit-small-p16_8xb256-coslr-200e')).train_cfg.max_epochs == 200


def test_vit_b_finetune_has_14_layer_decay_scales():
    cfg = Config.fromfile(VIT_B_FINETUNE)
    model = build_model(cfg)
    scales = lr_scales(cfg, model)
    assert sorted(set(scales.values())) == [round(0.8**k, 8) for k in range(13, -1, -1)]
    assert scales['backbone.pos_embed'] == scales['backbone.cls_token'] == round(0.8**13, 8)
    assert scales['backbone.patch_embed.projection.weight'] == round(0.8**13, 8)
    for layer in range(12):
        assert scales[f'backbone.layers.{layer}.attn.qkv.weight'] == round(0.8**(12 - layer), 8)
    assert scales['backbone.ln2.weight'] == scales['head.fc.weight'] == 1.0


def test_vit_b_upernet_has_14_layer_decay_scales():
    cfg = Config.fromfile(VIT_B_UPERNET)
    backbone = cfg.model.backbone
    assert (backbone.out_indices, backbone.img_size, backbone.drop_path_rate) == (
        [3, 5, 7, 11], (512, 512), 0.1)
    assert cfg.model.neck.type == 'Feature2Pyramid' and cfg.model.decode_head.type == 'UPerHead'
    assert cfg.model.test_cfg.mode == 'slide' and cfg.train_cfg.max_iters == 160000
    assert cfg.optim_wrapper.optimizer.lr == 7e-4
    assert [s.type for s in cfg.param_scheduler] == ['LinearLR', 'PolyLR']
    model = build_model(cfg)
    scales = lr_scales(cfg, model)
    backbone_scales = {v for k, v in scales.items() if k.startswith('backbone.')}
    assert sorted(backbone_scales) == [round(0.65**k, 8) for k in range(13, -1, -1)]
    assert scales['backbone.pos_embed'] == round(0.65**13, 8)
    assert scales['decode_head.conv_seg.weight'] == 1.0


DOWNSTREAM = CONFIGS + [
    osp.join(REPO, 'configs', 'conmim', 'benchmarks', name) for name in (
        'vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py',
        'vit-base-p16_conmim-pre_upernet_8xb2-amp-160k_ade20k-512x512.py')] + [
    osp.join(REPO, 'configs', 'famt', 'vit-base-p16_famt-mae-pre_8xb2048-linear-coslr-90e_in1k.py')]


@pytest.mark.parametrize('path', DOWNSTREAM, ids=lambda path: osp.basename(path))
def test_every_downstream_config_guards_its_pretrained_weights(path):
    hooks = Config.fromfile(path).get('custom_hooks', [])
    guard, = [hook for hook in hooks if hook['type'] == 'PretrainedGuardHook']
    # only the mean-pooling fine-tuning recipes have an intended gap: their new norm
    mean_pooling = 'coslr-100e' in path or 'coslr-200e' in path
    assert guard.get('allowed_missing', []) == (['backbone.ln2.*'] if mean_pooling else [])


CLASSIFICATION = [path for path in DOWNSTREAM if path.endswith('_in1k.py')]


@pytest.fixture(scope='module')
def jpegs(tmp_path_factory) -> list:
    """Bundled photos as quality-90 JPEGs, landscape, portrait and square."""
    root = tmp_path_factory.mktemp('jpegs')
    paths = []
    for name in ('chelsea', 'grace_hopper', 'astronaut'):
        path = str(root / f'{name}.JPEG')
        Image.fromarray(bundled_photos()[name]).save(path, quality=90)
        paths.append(path)
    return paths


@pytest.mark.parametrize('path', CLASSIFICATION, ids=lambda path: osp.basename(path))
def test_classification_crop_gives_the_pixels_of_the_recipes_two_steps(path, jpegs):
    """LoadRandomResizedCrop stands for the recipe's LoadImageFromFile + RandomResizedCrop.

    Same options (the recipes' RandomResizedCrop: 224 px, mmpretrain's default area and ratio
    ranges, bicubic for fine-tuning, mmpretrain's bilinear default for linear probing), BGR for
    the recipe's later steps and ``to_rgb=True``: every pixel equals, seed for seed.
    """
    cfg = Config.fromfile(path)
    steps = cfg.train_dataloader.dataset.pipeline
    assert [step.type for step in steps][:2] == ['LoadRandomResizedCrop', 'RandomFlip']
    crop = find_transform(steps, 'LoadRandomResizedCrop')
    interpolation = 'bilinear' if '-linear-' in path else 'bicubic'
    assert dict(crop) == dict(type='LoadRandomResizedCrop', scale=224, channel_order='bgr',
                              interpolation=interpolation, draft=False)
    assert cfg.data_preprocessor.to_rgb
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        fused = TRANSFORMS.build(crop)
        load = TRANSFORMS.build(dict(type='LoadImageFromFile'))
        two_step = TRANSFORMS.build(dict(type='RandomResizedCrop', scale=224, backend='pillow',
                                         interpolation=interpolation))
    for seed in range(4):
        for jpeg in jpegs:
            np.random.seed(seed)
            ours = fused(dict(img_path=jpeg))
            np.random.seed(seed)
            theirs = two_step(load(dict(img_path=jpeg)))
            assert ours['ori_shape'] == theirs['ori_shape']
            assert np.array_equal(ours['img'], theirs['img']), (seed, jpeg)
