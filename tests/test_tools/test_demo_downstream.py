"""`make demo` on a tiny budget: tools/demo.py pre-trains, tools/demo_downstream.py compares."""
import json
import os.path as osp
import re
import subprocess

import pytest
from PIL import Image

from conftest import PYTHON, REPO, run_tool

ROW = r'\| {} \| ([\d.]+) ± ([\d.]+) \[([\d.]+), ([\d.]+)\] \| ([\d.]+) ± ([\d.]+) ' \
      r'\[([\d.]+), ([\d.]+)\] \| ([+-][\d.]+) \| (beyond|within|below) the spread \|'


@pytest.mark.slow
def test_demo_pretrains_then_reports_mfm_vs_random_over_seeds(tmp_path):
    data, work = str(tmp_path / 'data'), str(tmp_path / 'work')
    out = run_tool([PYTHON, 'tools/demo.py', '--work-dir', work, '--data-root', data,
                    '--threads', '1', '--cfg-options', 'train_dataloader.dataset.indices=64',
                    'train_cfg.max_epochs=1', 'param_scheduler.warmup=0',
                    'param_scheduler.end=1', 'custom_hooks.MFMVisualizationHook.interval=1']).stdout
    assert 'torch threads: 1 (--threads)' in out
    assert "{'pretrain': 4000, 'train': 500, 'val': 1000}" in out
    assert osp.isfile(osp.join(work, 'mfm_vis', 'epoch_1.png'))
    out = run_tool([PYTHON, 'tools/demo_downstream.py', '--checkpoint',
                    osp.join(work, 'epoch_1.pth'), '--work-dir', osp.join(work, 'downstream'),
                    '--data-root', data, '--seeds', '0', '1', '--epochs', '2',
                    '--seg-iters', '4', '--train-per-class', '2', '--val-per-class', '2',
                    '--jobs', '1'],  # in this process (test_compare runs arms in parallel)
                   env={'MFM_DEMO_THREADS': '1'}).stdout
    assert 'torch threads: 1 (MFM_DEMO_THREADS)' in out
    for task in (r'digits top-1 \(%\)', r'digit strokes mIoU \(%\)'):
        found = re.search(ROW.format(task), out)
        assert found, out[-3000:]
        mfm_mean, _, mfm_min, mfm_max, random_mean, _, random_min, random_max = map(
            float, found.groups()[:8])
        assert 0 <= mfm_min <= mfm_mean <= mfm_max <= 100
        assert 0 <= random_min <= random_mean <= random_max <= 100
        assert float(found.group(9)) == pytest.approx(mfm_mean - random_mean, abs=0.11)
    numbers = json.load(open(osp.join(work, 'downstream', 'mfm_vs_random.json')))
    curves = numbers['curves']['digits top-1 (%)']
    assert [len(runs) for runs in curves.values()] == [2, 2]  # two seeds per arm
    assert all(len(run) == 2 for runs in curves.values() for run in runs)  # one per epoch
    for runs in curves.values():  # k of the 20 held-out digits
        assert all(round(value * 20 / 100, 3) % 1 == 0 for run in runs for value in run)
    assert Image.open(osp.join(work, 'downstream', 'mfm_vs_random.png')).size == (1320, 480)


def test_demo_without_a_checkpoint_says_what_to_run(tmp_path):
    proc = subprocess.run([PYTHON, 'tools/demo_downstream.py', '--checkpoint',
                           str(tmp_path / 'none.pth'), '--threads', '1'], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert 'checkpoint not found' in proc.stderr and 'make demo' in proc.stderr
