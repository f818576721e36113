"""An MFM run without the project's hooks (a plain mmengine Runner, as mmpretrain's
tools/train.py builds it) logs one line naming what it lacks and how to add it."""
import glob
import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

from conftest import REPO
from mfm_mm.models.algorithms.run_hooks_note import (MFM_RUN_HOOKS, missing_run_hooks,
                                                     run_hooks_note)

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')


def _train_two_iterations(data_root: str, work_dir: str, **options) -> str:
    """Trains the demo config shrunk to 2 iterations with a plain Runner; returns its log."""
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict({
        'work_dir': work_dir, 'train_dataloader.dataset.data_root': data_root,
        'train_dataloader.dataset.indices': 16, 'train_dataloader.batch_size': 8,
        'train_dataloader.num_workers': 0, 'train_dataloader.persistent_workers': False,
        'train_cfg.max_epochs': 1, 'param_scheduler.warmup': 0, 'param_scheduler.end': 1,
        'default_hooks.logger.interval': 1, 'default_hooks.checkpoint': None, **options})
    Runner.from_cfg(cfg).train()
    log, = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(log, encoding='utf-8') as f:
        return f.read()


def test_plain_runner_without_custom_hooks_logs_one_line(tiny_imagenet, tmp_path):
    log = _train_two_iterations(tiny_imagenet, str(tmp_path), custom_hooks=[])
    notes = [line for line in log.splitlines() if 'mfm_mm: this run has no' in line]
    assert len(notes) == 1, notes
    note = notes[0]
    assert 'WARNING' in note
    for name, lacks in MFM_RUN_HOOKS.items():
        assert f'{name} ({lacks})' in note
    assert ("custom_hooks = [dict(type='MFMVisualizationHook'), dict(type='EpochSeedHook'), "
            "dict(type='NonFiniteLossHook'), dict(type='SafeCheckpointHook'), "
            "dict(type='LatestCheckpointHook'), dict(type='WorkDirLockHook'), "
            "dict(type='ResumeCheckHook')]") in note
    assert 'configs/_base_/mfm_runtime.py' in note
    assert 'model.check_run_hooks=False' in note
    assert 'Epoch(train) [1][2/2]' in log  # trained as before


def test_project_runtime_and_silenced_runs_log_nothing(tiny_imagenet, tmp_path):
    with_hooks = _train_two_iterations(tiny_imagenet, str(tmp_path / 'hooks'))
    silenced = _train_two_iterations(tiny_imagenet, str(tmp_path / 'silenced'),
                                     custom_hooks=[], **{'model.check_run_hooks': False})
    for log in (with_hooks, silenced):
        assert 'Epoch(train) [1][2/2]' in log
        assert 'mfm_mm: this run has no' not in log


def test_missing_hooks_are_read_from_custom_and_default_hooks():
    cfg = Config(dict(custom_hooks=[dict(type='EpochSeedHook'), dict(type='SafeCheckpointHook')],
                      default_hooks=dict(logger=dict(type='LoggerHook'),
                                         guard=dict(type='NonFiniteLossHook'), checkpoint=None)))
    assert missing_run_hooks(cfg) == ['MFMVisualizationHook', 'LatestCheckpointHook',
                                      'WorkDirLockHook', 'ResumeCheckHook']
    assert missing_run_hooks(Config.fromfile(DEMO)) == []
    assert run_hooks_note(['WorkDirLockHook']) == (
        'mfm_mm: this run has no WorkDirLockHook (one run per work_dir); add them to the config '
        "with custom_hooks = [dict(type='WorkDirLockHook')] (beside its other custom hooks), or "
        'inherit configs/_base_/mfm_runtime.py; model.check_run_hooks=False silences this line')
