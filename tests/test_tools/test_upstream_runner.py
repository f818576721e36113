"""The project's configs run the way mmpretrain's own tools/train.py runs a config: plain
``Config.fromfile`` + ``Runner.from_cfg``, only ``custom_imports``, no project helper."""
import json
import os.path as osp
import subprocess
import sys

import pytest

from conftest import REPO

UPSTREAM_TRAIN = r'''
import sys
from mmengine.config import Config
from mmengine.runner import Runner

config, data_root, work_dir = sys.argv[1:]
cfg = Config.fromfile(config)
cfg.work_dir = work_dir
cfg.train_dataloader.dataset.data_root = data_root
cfg.train_dataloader.dataset.indices = 32  # 2 iterations of 16
cfg.train_dataloader.num_workers = 0
cfg.train_cfg.max_epochs = 1
cfg.default_hooks.logger.interval = 1
Runner.from_cfg(cfg).train()
'''


@pytest.mark.slow
def test_demo_config_trains_two_iterations_with_plain_runner(tiny_imagenet, tmp_path):
    config = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')
    work_dir = tmp_path / 'upstream'
    proc = subprocess.run([sys.executable, '-c', UPSTREAM_TRAIN, config, tiny_imagenet,
                           str(work_dir)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    rows = [json.loads(line) for line in scalars.read_text().splitlines()]
    losses = [row['loss'] for row in rows if 'loss' in row]
    assert [row['iter'] for row in rows if 'loss' in row] == [1, 2]
    assert all(0 < loss < 10 for loss in losses)
    assert (work_dir / 'epoch_1.pth').is_file()
    assert 'CPU fallback' not in proc.stdout + proc.stderr  # no project helper ran
