"""Every config loads the way upstream OpenMMLab tools load it (plain ``Config.fromfile``)
with nothing left for the project's ``load_config`` to repair."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from conftest import REPO

CONFIGS = sorted(path for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                            recursive=True) if '_base_' not in path)


def test_configs_are_found():
    assert len(CONFIGS) >= 40


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_collate_fn_carries_no_scope_tag(path):
    cfg = Config.fromfile(path)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        collate = (cfg.get(name) or {}).get('collate_fn')
        if isinstance(collate, dict):
            # mmengine passes a collate_fn's keys to the function: `_scope_` would break it
            assert '_scope_' not in collate, f'{name}.collate_fn: {collate}'
