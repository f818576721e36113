"""mfm_mm.demo.compare: both arms share one code path and differ only in the initial weights."""
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

from mfm_mm.demo.compare import (arm_options, build_arm, compare, format_table, plot_curves,
                                 summarize, verdict)
from mfm_mm.demo.downstream import schedule_options
from mfm_mm.engine.runner import load_checkpoint_file
from mfm_mm.apis.checkpoint import load_backbone_weights, save_weights
from mfm_mm.apis.convert_weights import to_mmpretrain, to_mmseg

from demo_fixtures import mfm_checkpoint, mnist_root  # noqa: F401  (fixtures)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FINETUNE = osp.join(REPO, 'configs', 'demo', 'downstream', 'vit-4l-p7_ft-mnist_28px.py')
UPERNET = osp.join(REPO, 'configs', 'demo', 'downstream', 'vit-4l-p7_upernet-mnist_28px.py')
RANDOM_INIT = [dict(type='TruncNormal', std=0.02, layer='Linear'),
               dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)]


def test_summary_of_two_seeds():
    curves = {'mfm': [[50.0, 80.0], [60.0, 84.0]], 'random': [[40.0, 70.0], [45.0, 74.0]]}
    summary = summarize(curves)
    assert summary['mfm'] == dict(mean=82.0, std=pytest.approx(2 * 2**0.5), min=80.0,
                                  max=84.0, values=[80.0, 84.0])
    assert verdict(summary) == 'beyond'
    assert verdict(summarize({'mfm': [[71.0]], 'random': [[70.0], [72.0]]})) == 'within'
    assert verdict(summarize({'mfm': [[60.0]], 'random': [[70.0], [72.0]]})) == 'below'
    table = format_table({'digits top-1 (%)': summary})
    assert '| digits top-1 (%) | 82.0 ± 2.8 [80.0, 84.0] | 72.0 ± 2.8 [70.0, 74.0] | +10.0 |' \
        in table and 'beyond the spread' in table


def test_figure_has_one_panel_per_task(tmp_path):
    curves = {'mfm': [[50.0, 80.0], [60.0, 84.0]], 'random': [[40.0, 70.0], [45.0, 74.0]]}
    path = plot_curves({'top-1': curves, 'mIoU': {arm: [[c[-1]] for c in runs]
                                                  for arm, runs in curves.items()}},
                       {'top-1': ('epoch', [1, 2]), 'mIoU': ('iteration', [10])},
                       str(tmp_path / 'curves.png'))
    width, height = Image.open(path).size
    assert (width, height) == (1320, 480)  # two 5.5 x 4 inch panels at 120 dpi


def _arm_configs(config, work_dir, mnist_root, inits):
    options = {f'{loader}.dataset.data_root': mnist_root
               for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    return {arm: build_arm(config, osp.join(work_dir, arm),
                           arm_options(options, init, seed=3, name=arm))
            for arm, init in inits.items()}


def _drop_arm(cfg: dict) -> dict:
    cfg = {key: value for key, value in cfg.items()
           if key not in ('work_dir', 'experiment_name', 'load_from')}
    cfg['model'] = dict(cfg['model'], backbone=dict(cfg['model']['backbone'], init_cfg=None))
    return cfg


def test_classification_arms_differ_only_in_the_backbone_init(mfm_checkpoint, mnist_root,
                                                              tmp_path):
    weights = load_backbone_weights(mfm_checkpoint)
    converted = save_weights(to_mmpretrain(weights), str(tmp_path / 'backbone.pth'))
    runners = _arm_configs(FINETUNE, str(tmp_path), osp.join(mnist_root, 'classification'), {
        'mfm': dict(type='Pretrained', checkpoint=converted, prefix='backbone.'),
        'random': RANDOM_INIT})
    configs = {arm: _drop_arm(runner.cfg.to_dict()) for arm, runner in runners.items()}
    assert configs['mfm'] == configs['random']
    assert runners['mfm'].cfg.randomness.seed == 3 and runners['mfm'].cfg.optim_wrapper.type == \
        'OptimWrapper'
    for arm, runner in runners.items():
        runner.model.init_weights()
        loaded = runner.model.backbone.state_dict()
        same = {key: torch.equal(loaded[key], value) for key, value in weights.items()
                if key in loaded}
        assert len(same) == len(loaded) - 2  # every tensor but the new final LayerNorm
        # random: no matrix equal (zero biases and unit norms are equal in both inits)
        assert all(same.values()) if arm == 'mfm' else not any(
            equal for key, equal in same.items() if loaded[key].dim() > 1), arm


def test_segmentation_arms_differ_only_in_the_backbone_init(mfm_checkpoint, mnist_root,
                                                            tmp_path):
    weights = load_backbone_weights(mfm_checkpoint)
    converted = save_weights(to_mmseg(weights, img_size=28, num_heads=4),
                             str(tmp_path / 'backbone.pth'))
    runners = _arm_configs(UPERNET, str(tmp_path), osp.join(mnist_root, 'segmentation'), {
        'mfm': dict(type='Pretrained', checkpoint=converted), 'random': None})
    configs = {arm: _drop_arm(runner.cfg.to_dict()) for arm, runner in runners.items()}
    assert configs['mfm'] == configs['random']
    expected = torch.load(converted, weights_only=True)['state_dict']
    for arm, runner in runners.items():
        runner.model.init_weights()
        loaded = runner.model.backbone.state_dict()
        assert set(loaded) == set(expected)
        same = {key: torch.equal(loaded[key], expected[key]) for key in expected}
        # random: no learnt matrix equal (the zero relative position bias is no MFM weight)
        assert all(same.values()) if arm == 'mfm' else not any(
            equal for key, equal in same.items()
            if loaded[key].dim() > 1 and 'relative_position' not in key), arm
    assert np.isclose(float(runners['mfm'].cfg.optim_wrapper.optimizer.lr), 1e-2)


@pytest.mark.slow
def test_parallel_runs_train_exactly_like_serial_ones(mfm_checkpoint, mnist_root, tmp_path):
    converted = save_weights(to_mmpretrain(load_backbone_weights(mfm_checkpoint)),
                             str(tmp_path / 'backbone.pth'))
    options = {f'{loader}.dataset.data_root': osp.join(mnist_root, 'classification')
               for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    options.update(schedule_options(1, 2, by_epoch=True, decay='CosineAnnealingLR'),
                   **{'train_cfg.val_interval': 1})
    inits = {'mfm': dict(type='Pretrained', checkpoint=converted, prefix='backbone.'),
             'random': RANDOM_INIT}
    curves = {jobs: compare(FINETUNE, str(tmp_path / f'jobs{jobs}'), options, inits, [0, 1],
                            'accuracy/top1', jobs=jobs) for jobs in (1, 2)}
    assert curves[2] == curves[1]
    assert [len(run) for runs in curves[1].values() for run in runs] == [2, 2, 2, 2]
    for run in ('mfm_seed0', 'mfm_seed1', 'random_seed0', 'random_seed1'):
        serial, parallel = (load_checkpoint_file(str(tmp_path / f'jobs{jobs}' / run /
                                                     'epoch_2.pth'))['state_dict']
                            for jobs in (1, 2))
        assert all(torch.equal(serial[key], parallel[key]) for key in serial), run
        log = (tmp_path / 'jobs2' / run / 'console.log').read_text()
        assert 'Epoch(train) [2]' in log and 'Epoch(val) [2]' in log, run
