import os.path as osp

import pytest
import torch
from mmpretrain.registry import METRICS

from conftest import REPO
from mfm_mm.engine.runner import build_runner, load_config
from mfm_mm.utils import find_transform
from test_evaluation.layouts import mmpretrain_scope


@pytest.fixture(autouse=True)
def scope():
    with mmpretrain_scope():
        yield


def test_adversarial_accuracy_hand_computed():
    metric = METRICS.build(dict(type='AdversarialAccuracy', prefix='pgd'))
    one_hot = torch.eye(1000)
    # labels 3, 3, 5, 5: clean right, right, right, wrong; adversarial right, wrong, wrong, wrong
    rows = [(3, 3, 3), (3, 3, 7), (5, 5, 1), (5, 2, 2)]
    metric.process({}, [dict(gt_label=torch.tensor([y]), clean_pred_score=one_hot[c],
                             pred_score=one_hot[a]) for y, c, a in rows])
    assert metric.evaluate(4) == {'pgd/clean_top1': 75.0, 'pgd/adv_top1': 25.0}


def test_adversarial_accuracy_needs_the_adversarial_loop():
    metric = METRICS.build(dict(type='AdversarialAccuracy'))
    with pytest.raises(ValueError, match='AdversarialTestLoop'):
        metric.process({}, [dict(gt_label=torch.tensor([0]), pred_score=torch.zeros(10))])


@pytest.mark.slow
@pytest.mark.parametrize('config', ['vit-base-p16_fgsm.py', 'vit-base-p16_pgd.py'])
def test_attack_configs_run_on_real_photos(config, tiny_imagenet, tmp_path):
    cfg = load_config(osp.join(REPO, 'configs', 'robustness', config), work_dir=str(tmp_path))
    cfg.model.backbone.update(arch=dict(embed_dims=32, num_layers=1, num_heads=2,
                                        feedforward_channels=64),
                              img_size=64, init_cfg=None)
    cfg.model.head.in_channels = 32
    cfg.test_dataloader.update(batch_size=8, num_workers=0, persistent_workers=False)
    cfg.test_dataloader.dataset.update(data_root=tiny_imagenet, split='train', indices=4)
    pipeline = cfg.test_dataloader.dataset.pipeline
    find_transform(pipeline, 'ResizeEdge').scale = 72  # 256 -> 72
    find_transform(pipeline, 'CenterCrop').crop_size = 64
    cfg.test_cfg.eps = 8 / 255  # a strong attack, so an untrained model visibly loses
    if 'step_size' in cfg.test_cfg:
        cfg.test_cfg.step_size = 2 / 255
    runner = build_runner(cfg)
    torch.manual_seed(0)
    fc = runner.model.head.fc  # the 4 images are class 0: a margin of 0.4 for it
    torch.nn.init.normal_(fc.weight, std=0.01)
    torch.nn.init.zeros_(fc.bias)
    fc.bias.data[0] = 0.4
    metrics = runner.test()
    prefix = config.split('_')[1][:-3]
    assert metrics[f'{prefix}/clean_top1'] == 100.
    assert metrics[f'{prefix}/adv_top1'] < 100.
