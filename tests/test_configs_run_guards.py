"""Every pre-training config's runner, built as tools/train.py builds it, has the run guards."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.model import BaseModel
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.registry import MODELS

from conftest import REPO
from mfm_mm.engine.runner import build_runner, load_config

DOWNSTREAM_FOLDERS = {'_base_', 'benchmarks', 'robustness', 'downstream'}
GUARDS = {'EpochSeedHook', 'NonFiniteLossHook', 'SafeCheckpointHook', 'LatestCheckpointHook',
          'WorkDirLockHook', 'ResumeCheckHook'}


def pretraining_configs() -> list:
    """Every pre-training config: all but the downstream folders and the downstream files,
    which OpenMMLab names after their backbone (``vit-...``, ``resnet50_...``)."""
    return [path for path in sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                              recursive=True))
            if not DOWNSTREAM_FOLDERS & set(osp.relpath(path, REPO).split(osp.sep))
            and not osp.basename(path).startswith(('vit-', 'resnet'))]


@MODELS.register_module(force=True)
class OneLayerStandIn(BaseModel):
    """Replaces the config's model: the guards do not depend on it, and a ViT-B takes seconds
    to build."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode='loss'):
        return dict(loss=self.linear.weight.sum())


CONFIGS = pretraining_configs()


def test_every_kind_of_pretraining_config_is_found():
    names = {osp.relpath(path, osp.join(REPO, 'configs')) for path in CONFIGS}
    assert {'mfm_vit-b_800e.py', 'conmim/conmim_vit-b_300e.py',
            'famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py',
            'famt/famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py',
            'mfm_plugins/freq-simmim_swin-b_100e_192px.py',
            'mfm_pretexts/sr_vit-b_300e.py', 'demo/mfm_vit-4l-p7_cpu-demo_28px.py'} <= names
    assert len(CONFIGS) == 26
    assert not any('benchmarks' in name or 'downstream' in name for name in names)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_pretraining_runner_has_the_run_guards(path, tiny_imagenet, tmp_path):
    cfg = load_config(path, work_dir=str(tmp_path),
                      cfg_options={'train_dataloader.dataset.data_root': tiny_imagenet})
    algorithm = MODELS.get(cfg.model.type.split('.')[-1])
    assert issubclass(algorithm, BaseSelfSupervisor)  # a pre-training config
    cfg.model = dict(type='OneLayerStandIn')
    runner = build_runner(cfg)
    hooks = {type(hook).__name__: hook for hook in runner.hooks}
    assert GUARDS <= set(hooks), f'missing: {GUARDS - set(hooks)}'
    assert hooks['NonFiniteLossHook'].action == 'stop'
    assert hooks['CheckpointHook'].backend_args == dict(backend='atomic_local')
    assert runner._train_loop['type'] == 'MidEpochResumeTrainLoop'
    assert runner._train_dataloader.get('persistent_workers', False) is False
    assert cfg.randomness.seed is not None
