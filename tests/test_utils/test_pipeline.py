"""merge_by_type: --cfg-options that name list items by their type."""
import pytest
from mmengine.config import Config

from mfm_mm.utils import merge_by_type


def test_list_items_are_named_by_type_wherever_they_stand():
    cfg = Config(dict(
        custom_hooks=[dict(type='A', x=1), dict(type='LatestCheckpointHook', interval=500)],
        train_dataloader=dict(dataset=dict(pipeline=[
            dict(type='Load'), dict(type='RandomResizedCrop', scale=224)])),
        param_scheduler=[dict(type='LinearLR', end=5), dict(type='CosineAnnealingLR', T_max=9)]))
    merge_by_type(cfg, {'custom_hooks.LatestCheckpointHook.interval': 4,
                        'train_dataloader.dataset.pipeline.RandomResizedCrop.scale': 64,
                        'param_scheduler.CosineAnnealingLR.T_max': 3,
                        'param_scheduler.LinearLR.end': 1, 'model.new': 2})
    assert cfg.custom_hooks == [dict(type='A', x=1),
                                dict(type='LatestCheckpointHook', interval=4)]
    assert cfg.train_dataloader.dataset.pipeline == [dict(type='Load'),
                                                     dict(type='RandomResizedCrop', scale=64)]
    assert cfg.param_scheduler == [dict(type='LinearLR', end=1),
                                   dict(type='CosineAnnealingLR', T_max=3)]
    assert cfg.model.new == 2


def test_a_type_not_held_once_names_the_list_items():
    cfg = Config(dict(custom_hooks=[dict(type='A'), dict(type='A')]))
    with pytest.raises(ValueError, match=r"2 steps of type 'A', expected exactly one "
                       r'\(steps: A, A\)'):
        merge_by_type(cfg, {'custom_hooks.A.x': 1})
    with pytest.raises(ValueError, match="0 steps of type 'B'"):
        merge_by_type(cfg, {'custom_hooks.B.x': 1})
