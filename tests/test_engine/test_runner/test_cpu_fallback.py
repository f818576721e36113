import os.path as osp

import pytest
import torch
from mmengine.config import Config

from conftest import REPO
from mfm_mm.engine.runner import adapt_to_cpu, load_config
from mfm_mm.engine.runner.cpu_fallback import init_cpu_process_group


def resnet_cfg() -> Config:
    return Config.fromfile(osp.join(REPO, 'configs', 'mfm_resnet50_300e.py'))


def test_switches_gpu_only_settings_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    set_device = torch.cuda.set_device
    cfg = resnet_cfg()
    cfg.model.backbone.norm_cfg = dict(type='SyncBN')  # a user's SyncBN variant of the recipe
    notes = adapt_to_cpu(cfg, distributed=True)
    assert cfg.optim_wrapper.type == 'OptimWrapper' and 'loss_scale' not in cfg.optim_wrapper
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model.backbone.norm_cfg.type == 'BN'
    assert cfg.model_wrapper_cfg == dict(type='MMDistributedDataParallel', device_ids=None,
                                         find_unused_parameters=False)
    assert cfg.train_dataloader.pin_memory is False
    assert torch.cuda.set_device is set_device  # torch is left as it is
    assert len(notes) == 5 and any('SyncBN -> BN' in n for n in notes)


def test_single_process_keeps_default_wrapper(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = resnet_cfg()
    adapt_to_cpu(cfg, distributed=False)
    assert cfg.get('model_wrapper_cfg') is None
    assert init_cpu_process_group('none', {}) is None


def test_a_cpu_launcher_other_than_torchrun_is_named(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(RuntimeError, match='--launcher slurm needs CUDA.*--launcher pytorch'):
        init_cpu_process_group('slurm', dict(backend='gloo'))


def test_changes_nothing_with_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = resnet_cfg()
    before = cfg.to_dict()
    assert adapt_to_cpu(cfg, distributed=True) == []
    assert cfg.to_dict() == before


def test_load_config_work_dir_precedence(tmp_path):
    path = osp.join(REPO, 'configs', 'mfm_vit-s_300e.py')
    assert load_config(path).work_dir == './work_dirs/mfm_vit-s_300e'
    cfg = load_config(path, work_dir=str(tmp_path), cfg_options={'train_cfg.max_epochs': 2})
    assert cfg.work_dir == str(tmp_path) and cfg.train_cfg.max_epochs == 2


def test_load_config_strips_scope_from_inherited_collate_fn(tmp_path):
    path = tmp_path / 'mae.py'
    path.write_text("_base_ = 'mmpretrain::_base_/datasets/imagenet_bs512_mae.py'\n")
    assert Config.fromfile(str(path)).train_dataloader.collate_fn['_scope_'] == 'mmpretrain'
    assert load_config(str(path)).train_dataloader.collate_fn == dict(type='default_collate')


def test_tools_switch_the_checkpoint_guarantees_on():
    from mfm_mm.engine.runner.build import switch_on_guarantees
    cfg = Config(dict(default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
                      custom_hooks=[dict(type='EMAHook')]))
    switch_on_guarantees(cfg)
    assert cfg.custom_hooks == [dict(type='EMAHook'), dict(type='SafeCheckpointHook')]
    assert cfg.default_hooks.checkpoint.backend_args == dict(backend='atomic_local')
    switch_on_guarantees(cfg)  # idempotent; a user's own backend is kept
    assert len(cfg.custom_hooks) == 2
    cfg.default_hooks.checkpoint.backend_args = dict(backend='petrel')
    switch_on_guarantees(cfg)
    assert cfg.default_hooks.checkpoint.backend_args == dict(backend='petrel')
