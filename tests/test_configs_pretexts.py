"""Every config of configs/mfm_pretexts/ (and demo/) and configs/mfm_plugins/ trains on CPU.

Each real recipe is shrunk the way a user would (64 px, batch 8, tiny backbone, 2 iterations)
and run through ``mfm_mm.engine.build_runner``, the path of ``tools/train.py``.
"""
import glob
import json
import math
import os.path as osp

import pytest

from conftest import REPO

CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'configs', 'mfm_pretexts', '*.py')) +
    glob.glob(osp.join(REPO, 'configs', 'mfm_pretexts', 'demo', '*.py')) +
    glob.glob(osp.join(REPO, 'configs', 'mfm_plugins', '*.py')))
TINY_VIT = dict(embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64)
TINY_SWIN = dict(embed_dims=16, depths=[1, 1, 1, 1], num_heads=[1, 1, 2, 4])
EXPECTED_CORRUPTION = {
    'sr': 'SuperResolutionCorruption', 'deblur': 'GaussianBlurCorruption',
    'denoise': 'GaussianNoiseCorruption', 'mfm-bandpass': 'FrequencyMaskCorruption',
    'mfm-radius-range': 'FrequencyMaskCorruption', 'mfm': 'FrequencyMaskCorruption',
    'freq-simmim': 'FrequencyMaskCorruption'
}


def shrink(cfg, data_root: str, work_dir: str, size: int = 64):
    """64 px, batch 8, 16 images (2 iterations), one epoch, tiny backbone, no workers."""
    loader = cfg.train_dataloader
    loader.update(batch_size=8, num_workers=0, persistent_workers=False)
    loader.dataset.update(data_root=data_root, indices=16)
    for step in loader.dataset.pipeline:
        if step['type'] in ('LoadRandomResizedCrop', 'RandomResizedCrop'):
            step['scale'] = size
        elif step['type'] == 'FrequencyMaskGenerator':
            radius = step['radius']
            step.update(radius=(2, 6) if isinstance(radius, (tuple, list)) else 4)
            step.pop('input_size', None)  # the optional check of the demo's 128 px
            if step.get('band_outer'):
                step['band_outer'] = 12
        elif step['type'] == 'SimMIMMaskGenerator':
            step['input_size'] = size
    backbone, neck = cfg.model.backbone, cfg.model.neck
    if backbone.type in ('BEiTViT', 'FusedBEiTViT'):
        backbone.update(arch=TINY_VIT, img_size=size)
        neck.in_channels = TINY_VIT['embed_dims']
    elif backbone.type in ('ResNet', 'ChannelsLastResNet'):
        backbone.depth, neck.in_channels = 18, 512
    else:  # (SimMIM)SwinTransformer
        backbone.update(arch=TINY_SWIN, img_size=size, pad_small_map=True)
        neck.in_channels = TINY_SWIN['embed_dims'] * 8
    cfg.train_cfg.max_epochs = 1
    if isinstance(cfg.param_scheduler, dict):  # WarmupCosineLR spans the run
        cfg.param_scheduler.update(warmup=0, end=1)
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=0)
    return cfg


@pytest.mark.slow
@pytest.mark.parametrize('path', CONFIGS, ids=[osp.relpath(p, REPO)[8:-3] for p in CONFIGS])
def test_config_builds_and_trains_two_iterations(path, tiny_imagenet, tmp_path):
    from mfm_mm.engine.runner import build_runner, load_config
    cfg = load_config(path)
    assert cfg.custom_imports == dict(imports=['mfm_mm'], allow_failed_imports=False)
    runner = build_runner(shrink(cfg, tiny_imagenet, str(tmp_path)))
    corruption = type(runner.model.corruption).__name__
    assert corruption == EXPECTED_CORRUPTION[osp.basename(path).split('_')[0]]
    runner.train()
    scalars = glob.glob(osp.join(str(tmp_path), '*', 'vis_data', 'scalars.json'))
    with open(scalars[0]) as f:
        losses = [json.loads(line)['loss'] for line in f if '"loss"' in line]
    assert len(losses) == 2 and all(math.isfinite(x) and x > 0 for x in losses)
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
    if cfg.model.type == 'MFM':  # the reconstruction picture works for every corruption
        assert osp.isfile(osp.join(str(tmp_path), 'mfm_vis', 'epoch_1.png'))
