"""Kills, NaNs and distributed equivalence, end to end through tools/ on real photos."""
import glob
import json
import os
import os.path as osp
import re
import shutil
import signal
import socket
import subprocess

import pytest
import torch

from conftest import PYTHON, REPO, cfg_options, run_tool, small_tmpfs
from mfm_mm.engine.runner import load_checkpoint_file
from mfm_mm.engine.runner import is_complete_checkpoint, load_config, startup_bytes
from test_tools.test_train import DEMO, free_port, small_run_options
from tiny_mfm import last_run_losses, reference_run, train_args, train_here

pytestmark = pytest.mark.slow


def kill_when(args: list, trigger: str) -> str:
    """Starts a training run and SIGKILLs it when ``trigger`` appears in its log."""
    code, log = signal_when(args, trigger, signal.SIGKILL)
    assert code == -signal.SIGKILL, f'never saw {trigger!r}:\n{log[-3000:]}'
    return log


@pytest.fixture(scope='module')
def reference(tiny_imagenet, tmp_path_factory):
    """The shared uninterrupted 4-epoch run (24 iterations; tiny_mfm.reference_run)."""
    run = reference_run(tiny_imagenet, str(tmp_path_factory.mktemp('reference')))
    return run.options, run.losses


@pytest.mark.parametrize('trigger, resumed_from', [
    ('Epoch(train) [2][3/6]', 1),  # mid-epoch
    ('Epoch(train) [3][6/6]', 2),  # at the end of an epoch, before its checkpoint
    ('Saving checkpoint at 3 epochs', 2),  # while the checkpoint is being written
])
def test_killed_run_resumes_and_reproduces_the_losses(reference, tmp_path, trigger,
                                                      resumed_from):
    options, expected = reference
    work_dir = str(tmp_path)
    kill_when(train_args(work_dir, options), trigger)
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        assert is_complete_checkpoint(path), f'{path} is truncated'
    out = run_tool(train_args(work_dir, options, '--resume'))
    resumed = last_run_losses(work_dir)
    first = min(resumed)
    assert first in (resumed_from * 6 + 1, resumed_from * 6 + 7)  # the kill may follow the save
    assert f'resumed epoch: {(first - 1) // 6}' in out.stdout
    assert resumed == {it: expected[it] for it in range(first, 25)}  # bit for bit


def test_nan_loss_stops_before_the_weights_and_skip_goes_on(tiny_imagenet, tmp_path):
    # std 0 makes every input non-finite (a NaN loss_weight is refused by FrequencyLoss)
    options = small_run_options(tiny_imagenet, epochs=1) + ['data_preprocessor.std=[0.,0.,0.]']
    proc = train_here(str(tmp_path / 'stop'), options)
    assert proc.returncode != 0
    assert 'FloatingPointError: non-finite loss at iteration 1 (epoch 1)' in proc.stderr
    assert not glob.glob(str(tmp_path / 'stop' / '*.pth'))

    skip = str(tmp_path / 'skip')
    out = train_here(skip, options + ['custom_hooks.NonFiniteLossHook.action=skip'])
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'step skipped (6 so far)' in out.stdout
    state = load_checkpoint_file(osp.join(skip, 'epoch_1.pth'))['state_dict']
    assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())


def rank_pid(root: int, rank: int) -> int:
    """The pid of the training process of ``rank`` under the launcher process ``root``."""
    children = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            with open(f'/proc/{pid}/environ', 'rb') as f:
                env = dict(item.split(b'=', 1) for item in f.read().split(b'\0') if b'=' in item)
        except (OSError, ValueError):
            continue
        children.setdefault(ppid, []).append((int(pid), env.get(b'RANK')))
    todo = [root]
    while todo:
        for pid, pid_rank in children.get(todo.pop(), []):
            if pid_rank == str(rank).encode():
                return pid  # the first of the rank's processes (its workers are below it)
            todo.append(pid)
    raise LookupError(f'no process of rank {rank} under {root}')


def test_two_processes_match_one_and_stop_together_on_a_signal_to_one_rank(tiny_imagenet,
                                                                          tmp_path):
    """Deterministic data (resize, no flip, always low-pass): DDP over 2 x 8 == 1 x 16, also
    across a SIGTERM that reaches rank 1 alone (torchrun then signals rank 0 itself)."""
    config = tmp_path / 'deterministic.py'
    config.write_text(
        f"_base_ = {DEMO!r}\n"
        "custom_imports = dict(imports=['mfm_mm', 'rank_loss_recorder'],\n"
        "                      allow_failed_imports=False)\n"
        "custom_hooks = _base_.custom_hooks + [dict(type='RankLossRecorderHook')]\n"
        "# the whole (square) photo, resized: crop area and aspect ratio fixed at 1\n"
        "fixed = dict(LoadRandomResizedCrop=dict(type='LoadRandomResizedCrop', scale=64,\n"
        "                                        crop_ratio_range=(1.0, 1.0),\n"
        "                                        aspect_ratio_range=(1.0, 1.0)),\n"
        "             RandomFlip=dict(type='RandomFlip', prob=0.0),\n"
        "             FrequencyMaskGenerator=dict(type='FrequencyMaskGenerator', radius=4,\n"
        "                                         low_pass_prob=1.0))\n"
        "train_pipeline = [fixed.get(step['type'], step) for step in _base_.train_pipeline]\n"
        "train_dataloader = dict(dataset=dict(pipeline=train_pipeline))\n")
    options = small_run_options(tiny_imagenet, epochs=3)
    options = [o for o in options if '.pipeline.' not in o]  # the config fixes the pipeline
    env = {'PYTHONPATH': osp.join(REPO, 'tests', 'helpers'), 'OMP_NUM_THREADS': '1'}
    single = str(tmp_path / 'single')
    run_tool([PYTHON, 'tools/train.py', str(config), '--work-dir', single, '--cfg-options',
              *options, 'train_dataloader.batch_size=16'], env=env)
    double = str(tmp_path / 'double')
    args = ['bash', 'tools/dist_train.sh', str(config), '2', '--work-dir', double,
            '--cfg-options', *options]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=dict(os.environ, **env, PYTHON=PYTHON,
                                                PORT=str(free_port()), PYTHONUNBUFFERED='1'))
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if 'Epoch(train) [2][1/3]' in line:
            os.kill(rank_pid(proc.pid, 1), signal.SIGTERM)
            break
    log = ''.join(seen + proc.stdout.readlines())
    assert proc.wait() != 0
    assert 'env_cfg.dist_cfg.backend: nccl -> gloo' in log
    assert 'MMDistributedDataParallel(device_ids=None)' in log
    assert 'gloo process group started before the Runner' in log
    stops = re.findall(r'SIGTERM: stopped after iteration (\d+), saved (\S+); continue with '
                       '--resume', log)
    assert len(stops) == 1 and stops[0][1] == osp.join(double, 'latest.pth'), log[-4000:]
    stopped = int(stops[0][0])
    assert 4 <= stopped < 9 and load_checkpoint_file(stops[0][1])['meta']['iter'] == stopped
    exits = re.findall(r'exitcode\s*:\s*(-?\d+)', log)
    assert exits and set(exits) == {'143'}, log[-4000:]  # 128 + SIGTERM on every rank

    run_tool(args + ['--resume'], env=dict(env, PYTHON=PYTHON, PORT=str(free_port())))

    def losses(work_dir, rank):
        with open(osp.join(work_dir, f'losses_rank{rank}.json')) as f:
            return json.load(f)

    one = losses(single, 0)[stopped:]
    two = [(a + b) / 2 for a, b in zip(losses(double, 0), losses(double, 1))]
    assert len(one) == len(two) == 9 - stopped
    assert max(abs(a - b) for a, b in zip(one, two)) < 1e-5
    w1 = load_checkpoint_file(osp.join(single, 'epoch_3.pth'))['state_dict']
    w2 = load_checkpoint_file(osp.join(double, 'epoch_3.pth'))['state_dict']
    for name in w1:
        torch.testing.assert_close(w1[name], w2[name], atol=1e-5, rtol=0)


def signal_when(args: list, trigger: str, signum: int) -> tuple:
    """Starts a training run and sends ``signum`` to its process group (as slurm does to a
    job step) when ``trigger`` appears in its log; returns the exit code and the log."""
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=dict(os.environ, PYTHONUNBUFFERED='1'),
                            start_new_session=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if trigger in line:
            os.killpg(proc.pid, signum)
            break
    seen += proc.stdout.readlines()
    proc.wait()
    return proc.returncode, ''.join(seen)


NO_WORKERS = ['train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']
PERSISTENT_WORKERS = ['train_dataloader.num_workers=2', 'train_dataloader.persistent_workers=True']


@pytest.mark.parametrize('signum, stopped_with, resumed_with', [
    (signal.SIGTERM, NO_WORKERS, PERSISTENT_WORKERS),
    (signal.SIGUSR1, PERSISTENT_WORKERS, NO_WORKERS),
], ids=['SIGTERM-no-workers-then-persistent', 'SIGUSR1-persistent-workers-then-none'])
def test_signalled_run_saves_stops_and_resumes_mid_epoch(reference, tmp_path, signum,
                                                         stopped_with, resumed_with):
    """The reference ran with 2 workers re-created per epoch; these stop and resume with
    other loaders, and still draw the reference's losses."""
    options, expected = reference
    options = options + ['custom_hooks.LatestCheckpointHook.interval=4']  # a latest.pth every 4 iterations too
    work_dir = str(tmp_path)
    code, log = signal_when(train_args(work_dir, options + stopped_with), 'Epoch(train) [2][3/6]',
                            signum)
    assert code == 128 + signum, log[-3000:]
    stops = re.findall(rf'{signum.name}: stopped after iteration (\d+), saved (\S+); '
                       'continue with --resume', log)
    assert len(stops) == 1, log[-3000:]
    stopped, path = int(stops[0][0]), stops[0][1]
    assert 9 <= stopped < 12 and path == osp.join(work_dir, 'latest.pth')
    assert 'Traceback' not in log
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == path
    assert load_checkpoint_file(path)['meta']['iter'] == stopped
    assert sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth'))) == [
        'epoch_1.pth', 'latest.pth']
    assert not glob.glob(osp.join(work_dir, '*.partial'))

    out = run_tool(train_args(work_dir, options + resumed_with, '--resume'))
    assert f'resumed epoch: 1, iter: {stopped}' in out.stdout
    assert f'drawing the {stopped - 6} batches of epoch 2 trained before the stop' in out.stdout
    resumed = last_run_losses(work_dir)
    assert resumed == {it: expected[it] for it in range(stopped + 1, 25)}  # bit for bit


def test_second_run_in_a_work_dir_stops_and_a_stale_lock_is_taken_over(tiny_imagenet, tmp_path):
    options = small_run_options(tiny_imagenet, epochs=50)  # killed long before its end
    work_dir = str(tmp_path)
    first = subprocess.Popen(train_args(work_dir, options), cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, PYTHONUNBUFFERED='1'), start_new_session=True)
    for line in first.stdout:
        if 'Epoch(train)' in line:  # training, so past the lock
            break
    second = train_here(work_dir, options)  # in this process: another pid
    alive = first.poll() is None
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert alive and second.returncode == 1
    assert (f'RuntimeError: {work_dir} is in use by another run (PID {first.pid} on '
            f'{socket.gethostname()}); wait for it to end, stop it, or pass another '
            '--work-dir') in second.stderr
    assert 'Epoch(train)' not in second.stdout

    options[options.index('train_cfg.max_epochs=50')] = 'train_cfg.max_epochs=1'
    options[options.index('param_scheduler.end=50')] = 'param_scheduler.end=1'
    options[options.index('param_scheduler.warmup=1')] = 'param_scheduler.warmup=0'
    out = train_here(work_dir, options)  # a new run: the killed one may have saved
    assert out.returncode == 0, out.stderr[-3000:]
    assert (f'work_dir lock: took over the stale lock of PID {first.pid} on '
            f'{socket.gethostname()} (that process is gone)') in out.stdout
    assert sorted(last_run_losses(work_dir)) == list(range(1, 7))


@pytest.fixture(scope='module')
def one_epoch(tiny_imagenet, tmp_path_factory):
    """A finished 1-epoch run (6 iterations of batch 8) to resume with changed settings."""
    options = small_run_options(tiny_imagenet, epochs=1)
    work_dir = str(tmp_path_factory.mktemp('one_epoch'))
    proc = train_here(work_dir, options)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work_dir, options


@pytest.mark.parametrize('change, message', [
    (['train_dataloader.batch_size=16', 'train_cfg.max_epochs=2', 'param_scheduler.end=2'],
     'it was trained with 6 iterations per epoch (48 images, batch 8 x 1 processes), this run '
     'has 3 iterations per epoch (48 images, batch 16 x 1 processes). The restored schedule '
     'counts the old iterations'),
    (['model.backbone.arch.embed_dims=96', 'model.neck.in_channels=96',
      'train_cfg.max_epochs=2', 'param_scheduler.end=2'],
     "its model differs from the config's: 79 shape mismatches (first: "
     'backbone.cls_token (1, 1, 192) in the checkpoint, (1, 1, 96) in the model, '),
], ids=['batch size', 'model width'])
def test_resume_into_a_changed_run_stops_before_training(one_epoch, tmp_path, change, message):
    work_dir, options = one_epoch
    proc = train_here(work_dir, options + change, '--resume')
    assert proc.returncode == 1
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    assert f'ValueError: cannot resume {checkpoint}: {message}' in proc.stderr
    assert f'--cfg-options load_from={checkpoint} (without --resume' in proc.stderr
    assert 'size mismatch' not in proc.stdout + proc.stderr
    assert 'Epoch(train)' not in proc.stdout


def test_a_bad_annotation_line_stops_the_build_naming_file_and_line(tiny_imagenet, tmp_path):
    os.symlink(osp.join(tiny_imagenet, 'train'), tmp_path / 'train')
    (tmp_path / 'meta').mkdir()
    with open(osp.join(tiny_imagenet, 'meta', 'train.txt')) as f:
        lines = f.read().splitlines()
    lines[6] = lines[6].rsplit(' ', 1)[0]  # no label
    (tmp_path / 'meta' / 'train.txt').write_text('\n'.join(lines) + '\n')
    options = small_run_options(str(tmp_path), epochs=1)
    proc = train_here(str(tmp_path / 'run'), options)
    assert proc.returncode == 1
    assert (f'ValueError: {tmp_path}/meta/train.txt: 1 malformed line(s), expected "<image '
            f"path> <integer label>\": line 7: '{lines[6]}'") in proc.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A real 48 MiB tmpfs: one demo checkpoint (36 MB) fits, a second does not."""
    with small_tmpfs(tmp_path, '48m') as folder:
        yield folder


def one_line_error(proc: subprocess.CompletedProcess, work_dir: str) -> re.Match:
    """The run's single ``error: could not write`` line; no traceback, no logging errors."""
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr and 'Logging error' not in proc.stderr, proc.stderr
    message = re.search(r'^error: could not write (\S+) \(No space left on device\); '
                        r'(\d+) MiB free in ([^;\s]+)', proc.stderr, re.M)
    assert message, proc.stderr[-3000:]
    assert message.group(1).startswith(work_dir + '/')
    assert abs(int(message.group(2)) - shutil.disk_usage(work_dir).free / 2**20) < 2
    return message


def test_full_disk_names_path_and_space_and_keeps_the_last_checkpoint(tiny_imagenet,
                                                                      small_disk):
    work_dir = small_disk
    options = small_run_options(tiny_imagenet, epochs=2) + [
        'default_hooks.checkpoint.interval=1', 'default_hooks.checkpoint.max_keep_ckpts=1']
    proc = subprocess.run(train_args(work_dir, options), cwd=REPO, capture_output=True,
                          text=True)
    target = osp.join(work_dir, 'epoch_2.pth')
    message = one_line_error(proc, work_dir)
    assert message.group(1) == target and message.group(3) == work_dir
    assert 'the previous file of that name, if any, is unchanged' in proc.stderr
    assert not glob.glob(osp.join(work_dir, '*.partial'))
    assert not osp.exists(target)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, 'epoch_1.pth')
    assert is_complete_checkpoint(osp.join(work_dir, 'epoch_1.pth'))


@pytest.mark.parametrize('free_kib', [0, 8])
def test_full_disk_on_logs_scalars_and_pictures_stops_in_one_line(tiny_imagenet, one_epoch,
                                                                  small_disk, free_kib):
    """With the disk full at the start (0 KiB) the run stops before it trains; with a little
    room past what the Runner writes while it is built (8 KiB past :func:`startup_bytes`) the
    text log, scalars, config or pictures fill it: one line either way."""
    work_dir = small_disk
    checkpoint = shutil.copy(osp.join(one_epoch[0], 'epoch_1.pth'), work_dir)  # the run to resume
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(checkpoint)
    resumed = small_run_options(tiny_imagenet, epochs=3) + ['default_hooks.checkpoint.interval=1']
    room = free_kib * 1024
    if free_kib:
        room += startup_bytes(load_config(DEMO, cfg_options=cfg_options(resumed)).pretty_text)
    with open(osp.join(work_dir, 'ballast'), 'wb') as f:
        f.write(bytes(max(shutil.disk_usage(work_dir).free - room, 0)))
    proc = subprocess.run(train_args(work_dir, resumed, '--resume'), cwd=REPO,
                          capture_output=True, text=True)
    message = one_line_error(proc, work_dir)
    if free_kib == 0:
        assert osp.basename(message.group(1)).startswith('.write_probe.')
    else:
        assert message.group(1).endswith(('.log', '.json', '.py', '.png')), message.group(1)
    assert is_complete_checkpoint(checkpoint) and not glob.glob(osp.join(work_dir, '*.partial'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == checkpoint
