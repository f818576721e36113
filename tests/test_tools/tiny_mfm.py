"""One tiny MFM pre-training run through tools/train.py, shared by the reliability (the
uninterrupted reference), conversion and downstream tests of a test process."""
import glob
import json
import os.path as osp
import subprocess
from typing import Dict, List, NamedTuple

from conftest import PYTHON, run_script, run_tool
from test_tools.test_train import DEMO, small_run_options


class ReferenceRun(NamedTuple):
    """The run's ``--cfg-options``, work_dir and ``{iter: loss}``."""
    options: List[str]
    work_dir: str
    losses: Dict[int, float]


_RUNS: Dict[str, ReferenceRun] = {}


def train_args(work_dir: str, options: list, *extra: str) -> list:
    """``tools/train.py`` on the demo ViT config."""
    return [PYTHON, 'tools/train.py', DEMO, '--work-dir', work_dir, *extra,
            '--cfg-options', *options]


def train_here(work_dir: str, options: list, *extra: str) -> subprocess.CompletedProcess:
    """:func:`train_args`' run in this process (``conftest.run_script``): no interpreter start."""
    return run_script(*train_args(work_dir, options, *extra)[1:])


def last_run_losses(work_dir: str) -> Dict[int, float]:
    """``{iter: loss}`` of the most recent run in ``work_dir``."""
    path = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))[-1]
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return {row['iter']: row['loss'] for row in rows if 'loss' in row}


def reference_run(data_root: str, work_dir: str) -> ReferenceRun:
    """The demo ViT (6 layers, 192 channels) at 64 px for 4 epochs (24 iterations of batch 8,
    2 workers), a checkpoint per epoch (the last one kept); run once per process.

    Args:
        data_root: ImageNet-layout photos (the ``tiny_imagenet`` fixture).
        work_dir: Where the run writes; later calls reuse the first call's run.
    """
    if data_root not in _RUNS:
        options = small_run_options(data_root, epochs=4) + ['default_hooks.checkpoint.interval=1']
        run_tool(train_args(work_dir, options))
        losses = last_run_losses(work_dir)
        assert sorted(losses) == list(range(1, 25))
        _RUNS[data_root] = ReferenceRun(options, work_dir, losses)
    return _RUNS[data_root]


def pretrained_tiny_mfm(data_root: str, work_dir: str) -> str:
    """The reference run's checkpoint, ``epoch_4.pth`` (the demo config keeps the last one;
    see :func:`reference_run`)."""
    return osp.join(reference_run(data_root, work_dir).work_dir, 'epoch_4.pth')
