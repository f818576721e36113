"""tools/analysis_tools/demo_seg_protocol.py: lr chosen per arm on held-out digits, fine-tune
and frozen-backbone probe, end to end on a few digits."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from conftest import run_script
from demo_fixtures import mfm_checkpoint  # noqa: F401  session fixture
from mfm_mm.engine.runner import load_checkpoint_file

TOOL = 'tools/analysis_tools/demo_seg_protocol.py'


@pytest.fixture(scope='module')
def protocol(mfm_checkpoint, tmp_path_factory):  # noqa: F811
    work_dir = str(tmp_path_factory.mktemp('seg_protocol'))
    proc = run_script(TOOL, '--checkpoint', mfm_checkpoint, '--work-dir', work_dir,
                      '--data-root', osp.join(work_dir, 'data'), '--seeds', '0',
                      '--iters', '2', '--finetune-lrs', '1e-3', '3e-3', '--probe-lrs', '1e-2',
                      '--train-per-class', '2', '--val-per-class', '1', '--jobs', '1')
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(osp.join(work_dir, 'seg_protocol.json')) as f:
        return work_dir, proc.stdout, json.load(f)


@pytest.mark.slow
def test_each_arm_reports_at_the_lr_of_its_best_selection_score(protocol):
    _, out, summary = protocol
    for name, grid in summary['selection'].items():
        for arm in ('mfm', 'random'):
            best = max(grid, key=lambda lr: grid[lr][arm]['mean'])
            assert summary['chosen'][name][arm] == float(best)
    assert list(summary['selection']['fine-tune']) == ['0.001', '0.003']
    labels = list(summary['report'])
    assert [label.split(' (')[0] for label in labels] == ['fine-tune', 'frozen probe']
    assert all(len(summary['report'][label][arm]['values']) == 1
               for label in labels for arm in ('mfm', 'random'))
    assert '| fine-tune | 0.001 |' in out and '| frozen probe (lr MFM 0.01, random 0.01) |' in out


@pytest.mark.slow
def test_selection_trains_on_four_fifths_and_scores_the_fifth(protocol):
    run = osp.join(protocol[0], 'fine-tune', 'select_lr0.001', 'mfm_seed0')
    cfg = Config.fromfile(osp.join(run, 'vit-4l-p7_upernet-mnist_28px.py'))
    assert cfg.train_dataloader.dataset.indices == [i for i in range(20) if i % 5]
    assert cfg.val_dataloader.dataset.indices == [0, 5, 10, 15]
    assert cfg.val_dataloader.dataset.data_prefix.img_path == 'images/training'
    report = Config.fromfile(osp.join(protocol[0], 'fine-tune', 'report_lr0.001', 'mfm_seed0',
                                      'vit-4l-p7_upernet-mnist_28px.py'))
    assert 'indices' not in report.train_dataloader.dataset
    assert report.val_dataloader.dataset.data_prefix.img_path == 'images/validation'


@pytest.mark.slow
def test_the_frozen_probe_keeps_the_backbone_and_trains_the_head(protocol):
    work_dir = protocol[0]
    run = osp.join(work_dir, 'frozen_probe', 'report_lr0.01', 'mfm_seed0', 'iter_2.pth')
    trained = load_checkpoint_file(run)['state_dict']
    start = torch.load(osp.join(work_dir, 'mmseg_backbone.pth'), weights_only=True)['state_dict']
    backbone = {key: trained[f'backbone.{key}'] for key in start}
    assert all(torch.equal(backbone[key], start[key]) for key in start)
    tuned = load_checkpoint_file(osp.join(work_dir, 'fine-tune', 'report_lr0.001', 'mfm_seed0',
                                          'iter_2.pth'))['state_dict']
    assert not all(torch.equal(tuned[f'backbone.{key}'], start[key]) for key in start)
