"""End to end through tools/: real photos, mmengine's Runner, checkpoints and resume."""
import glob
import json
import os
import os.path as osp
import socket

import pytest

from conftest import PYTHON, REPO, run_script, run_tool
from mfm_mm.engine.runner import load_checkpoint_file

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')
RESNET = osp.join(REPO, 'configs', 'mfm_resnet50_300e.py')


def small_run_options(data_root: str, epochs: int, size: int = 64) -> list:
    """``--cfg-options`` that shrink a real config: 64 px, batch 8, one warm-up epoch."""
    return [
        f'train_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=2',
        f'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale={size}',
        f'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.radius={size // 16}',
        f'model.backbone.img_size={size}', f'train_cfg.max_epochs={epochs}',
        f'param_scheduler.warmup={min(1, epochs - 1)}', f'param_scheduler.end={epochs}',
        'default_hooks.logger.interval=1', 'randomness.seed=0',
    ]


def logged_losses(work_dir: str) -> list:
    """Per-iteration ``(iter, loss)`` of every run in ``work_dir``, in order."""
    rows = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            rows += [json.loads(line) for line in f]
    return [(row['iter'], row['loss']) for row in rows if 'loss' in row]


def assert_loss_goes_down(losses: list, per_epoch: int = 6) -> None:
    """The last epoch's mean loss is clearly below the first epoch's.

    Epoch means, because single MFM losses swing with the low/high-pass mix of a batch.
    """
    values = [loss for _, loss in losses]
    first, last = sum(values[:per_epoch]) / per_epoch, sum(values[-per_epoch:]) / per_epoch
    assert last < 0.85 * first, f'loss did not go down: {values}'


@pytest.mark.slow
def test_vit_pretrains_checkpoints_and_resumes(tiny_imagenet, tmp_path):
    work_dir = str(tmp_path / 'vit')
    options = small_run_options(tiny_imagenet, epochs=6)
    out = run_tool([PYTHON, 'tools/train.py', DEMO, '--work-dir', work_dir,
                    '--cfg-options', *options])
    losses = logged_losses(work_dir)
    assert [it for it, _ in losses] == list(range(1, 37))  # 48 photos / 8 x 6 epochs
    assert_loss_goes_down(losses)
    assert 'CPU fallback: optim_wrapper' not in out.stdout  # the demo config has no AMP
    checkpoint = load_checkpoint_file(osp.join(work_dir, 'epoch_6.pth'))
    assert checkpoint['meta']['iter'] == 36
    assert 'backbone.pos_embed' in checkpoint['state_dict']
    assert glob.glob(osp.join(work_dir, 'mfm_vis', 'epoch_6.png'))

    options[options.index('train_cfg.max_epochs=6')] = 'train_cfg.max_epochs=8'
    options[options.index('param_scheduler.end=6')] = 'param_scheduler.end=8'
    out = run_tool([PYTHON, 'tools/train.py', DEMO, '--work-dir', work_dir, '--resume',
                    '--cfg-options', *options])
    assert 'resumed epoch: 6, iter: 36' in out.stdout
    assert [it for it, _ in logged_losses(work_dir)] == list(range(1, 49))
    assert load_checkpoint_file(osp.join(work_dir, 'epoch_8.pth'))['meta']['iter'] == 48


@pytest.mark.slow
def test_resnet_pretrains(tiny_imagenet, tmp_path):
    work_dir = str(tmp_path / 'resnet')
    options = small_run_options(tiny_imagenet, epochs=6) + [
        'model.backbone.depth=18', 'model.neck.in_channels=512',
        # one mask kind: epoch means then compare like with like (the 0.3 low-pass share of
        # 48 images swings the mean more than 6 epochs of training move it)
        'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.low_pass_prob=1.0']
    options.remove('model.backbone.img_size=64')
    run_tool([PYTHON, 'tools/train.py', RESNET, '--work-dir', work_dir, '--cfg-options', *options])
    assert_loss_goes_down(logged_losses(work_dir))
    assert osp.isfile(osp.join(work_dir, 'epoch_6.pth'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_test_tool_refuses_a_pretraining_config(tmp_path):
    proc = run_script('tools/test.py', DEMO, str(tmp_path / 'x.pth'))
    assert proc.returncode != 0
    assert 'has no test_dataloader' in proc.stderr and 'Traceback' not in proc.stderr


def test_slurm_scripts_pass_mmpretrain_style_arguments(tmp_path):
    srun = tmp_path / 'srun'
    srun.write_text('#!/bin/bash\necho "SRUN $@"\n')
    srun.chmod(0o755)
    env = {'PATH': f'{tmp_path}:{os.environ["PATH"]}', 'GPUS': '16', 'PYTHON': 'py'}
    train = run_tool(['bash', 'tools/slurm_train.sh', 'part', 'mfm', 'configs/mfm_vit-b_800e.py',
                      'work_dirs/x', '--amp'], env=env).stdout
    assert ('--ntasks=16 --ntasks-per-node=8 --cpus-per-task=5 --kill-on-bad-exit=1 py -u '
            'tools/train.py configs/mfm_vit-b_800e.py --work-dir=work_dirs/x --amp '
            '--launcher=slurm') in train
    test = run_tool(['bash', 'tools/slurm_test.sh', 'part', 'mfm', 'cfg.py', 'ckpt.pth'],
                    env=env).stdout
    assert 'py -u tools/test.py cfg.py ckpt.pth --launcher=slurm' in test
