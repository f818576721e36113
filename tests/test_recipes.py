"""The recipe tables of the method READMEs: every value marked "same" as the official code.

Official values are written out here from the official code (file:line in the READMEs), so a
config that drifts from them fails. Schedules are stepped through the whole run as mmengine's
Runner steps them (ImageNet's iterations per epoch at the configs' total batch) and compared
with each code base's closed form at every iteration.
"""
import math
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import REPO
from mfm_mm.engine.schedulers import lr_curve
from mfm_mm.utils import find_transform

IMAGENET = 1281167


def load(path: str) -> Config:
    init_default_scope('mmpretrain')
    return Config.fromfile(osp.join(REPO, 'configs', path))


def curve(cfg: Config, total_batch: int, lr_scales=(1.0, )) -> np.ndarray:
    epoch_length = math.ceil(IMAGENET / total_batch)  # mmengine's sampler pads the last batch
    return lr_curve(cfg.param_scheduler, cfg.optim_wrapper.optimizer.lr, epoch_length,
                    cfg.train_cfg.max_epochs, lr_scales), epoch_length


def timm_cosine(base, warmup_lr, min_lr, warmup, total):
    """timm 0.4.12 CosineLRScheduler._get_lr(t), warmup_prefix=False, t_in_epochs=False."""
    t = np.arange(total)
    return np.where(t < warmup, warmup_lr + t * (base - warmup_lr) / warmup,
                    min_lr + 0.5 * (base - min_lr) * (1 + np.cos(np.pi * t / total)))


def beit_cosine(base, final, warmup, total):
    """The BEiT / ConMIM code's utils.cosine_scheduler (start_warmup_value=0)."""
    i = np.arange(total - warmup)
    return np.concatenate([np.linspace(0, base, warmup),
                           final + 0.5 * (base - final) * (1 + np.cos(np.pi * i / len(i)))])


@pytest.mark.parametrize('path, epochs', [('mfm_vit-b_300e.py', 300), ('mfm_vit-b_800e.py', 800),
                                          ('mfm_vit-s_300e.py', 300),
                                          ('mfm_resnet50_300e.py', 300)])
def test_mfm_pretraining_lr_is_timms_cosine_at_every_iteration(path, epochs):
    cfg = load(path)
    lrs, n = curve(cfg, 2048)
    scale = 2048 / 512  # main_mfm.py: linear scaling of BASE_LR, WARMUP_LR, MIN_LR per 512
    expected = timm_cosine(3e-4 * scale, 2.5e-7 * scale, 2.5e-6 * scale, 20 * n, epochs * n)
    np.testing.assert_allclose(lrs[:, 0], expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize('path, epochs', [
    ('benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py', 100),
    ('benchmarks/classification/vit-small-p16_8xb256-coslr-200e_in1k.py', 200)])
def test_mfm_finetune_lr_is_timms_cosine_with_absolute_floors(path, epochs):
    cfg = load(path)
    scales = (1.0, 0.8 ** 13)  # the head's group and the patch embedding's (layer decay 0.8)
    lrs, n = curve(cfg, 2048, scales)
    scale = 2048 / 512  # main_finetune.py: BASE_LR 2e-3, WARMUP_LR and MIN_LR 2.5e-7 per 512
    for group, lr_scale in enumerate(scales):
        expected = timm_cosine(2e-3 * scale * lr_scale, 2.5e-7 * scale, 2.5e-7 * scale, 5 * n,
                               epochs * n)
        np.testing.assert_allclose(lrs[:, group], expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize('path, epochs', [('conmim/conmim_vit-b_300e.py', 300),
                                          ('conmim/conmim_vit-b_800e.py', 800)])
def test_conmim_pretraining_lr_is_beits_cosine_scheduler(path, epochs):
    cfg = load(path)
    lrs, n = curve(cfg, 2048)
    np.testing.assert_allclose(lrs[:, 0], beit_cosine(1.5e-3, 1e-5, 10 * n, epochs * n),
                               rtol=1e-6, atol=1e-18)


def test_conmim_finetune_lr_is_beits_scheduler_times_the_layer_scale():
    cfg = load('conmim/benchmarks/vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py')
    scales = (1.0, 0.65 ** 13)
    lrs, n = curve(cfg, 1024, scales)
    base = beit_cosine(4e-3, 1e-6, 20 * n, 100 * n)  # run_class_finetuning.py: lr 4e-3, min 1e-6
    for group, lr_scale in enumerate(scales):  # engine_for_finetuning.py: value * lr_scale
        np.testing.assert_allclose(lrs[:, group], base * lr_scale, rtol=1e-6, atol=1e-18)


def test_mae_baseline_lr_is_maes_adjust_learning_rate():
    cfg = load('famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')
    lrs, n = curve(cfg, 4096)
    epoch = np.arange(400 * n) / n  # util/lr_sched.py: data_iter_step / len(loader) + epoch
    lr = 1.5e-4 * 4096 / 256
    expected = np.where(epoch < 40, lr * epoch / 40,
                        lr * 0.5 * (1 + np.cos(np.pi * (epoch - 40) / 360)))
    np.testing.assert_allclose(lrs[:, 0], expected, rtol=1e-6, atol=1e-18)


@pytest.mark.parametrize('path', ['mfm_vit-b_300e.py', 'mfm_vit-s_300e.py',
                                  'conmim/conmim_vit-b_300e.py'])
def test_vit_pretraining_uses_the_beit_init(path):
    backbone = load(path).model.backbone
    assert (backbone.init_style, backbone.get('init_std', 0.02)) == ('beit', 0.02)


def test_conmim_projector_init_is_truncated_at_one_std():
    neck = load('conmim/conmim_vit-b_300e.py').model.neck
    linear = next(c for c in neck.init_cfg if c['layer'] == 'Linear')
    assert (linear.type, linear.std, linear.a, linear.b) == ('TruncNormal', 0.02, -0.02, 0.02)


def test_resnet50_pretraining_is_timms_resnet_init_and_per_gpu_bn():
    backbone = load('mfm_resnet50_300e.py').model.backbone
    assert backbone.zero_init_residual and backbone.norm_cfg == dict(type='BN')
    assert backbone.depth == 50


@pytest.mark.parametrize('path, std', [
    ('benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py', 2e-5),
    ('conmim/benchmarks/vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py', 2e-5)])
def test_finetune_heads_start_at_init_scale_0001(path, std):
    head_init = load(path).model.head.init_cfg
    head_init = head_init[0] if isinstance(head_init, list) else head_init
    assert head_init.std == pytest.approx(std)


@pytest.mark.parametrize('path, pipeline', [('mfm_vit-b_300e.py', 'train_dataloader'),
                                            ('conmim/conmim_vit-b_300e.py', 'train_dataloader')])
def test_pretraining_decodes_the_whole_jpeg_and_resizes_with_torch(path, pipeline):
    steps = load(path)[pipeline].dataset.pipeline
    crop = find_transform(steps, 'LoadRandomResizedCrop')
    assert crop.draft is False and crop.interpolation == 'bicubic' and crop.backend == 'torch'


def test_token_weight_decay_follows_the_official_code():
    conmim = load('conmim/conmim_vit-b_300e.py').optim_wrapper.paramwise_cfg.custom_keys
    assert conmim.mask_token.decay_mult == 1.0 and conmim.cls_token.decay_mult == 0.0
    mae = load('famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py').optim_wrapper
    assert mae.paramwise_cfg.custom_keys.mask_token.decay_mult == 1.0
    assert mae.paramwise_cfg.custom_keys.cls_token.decay_mult == 1.0


def test_conmim_finetune_runs_in_fp16_with_a_dynamic_loss_scale():
    wrapper = load('conmim/benchmarks/vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py'
                   ).optim_wrapper
    assert wrapper.type == 'AmpOptimWrapper' and 'loss_scale' not in wrapper  # dynamic
