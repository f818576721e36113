"""LatestCheckpointHook + MidEpochResumeTrainLoop: a signal mid-epoch loses nothing."""
import logging
import os
import os.path as osp
import signal

import pytest
import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import CheckpointLoader, Runner

from mfm_mm.engine.hooks import EpochSeedHook, LatestCheckpointHook, SafeCheckpointHook
from mfm_mm.engine.runner import load_checkpoint_file


@pytest.fixture(autouse=True)
def mmengine_loader_back():
    """A run stopped by SystemExit skips after_run: give mmengine its own loader back."""
    original = CheckpointLoader._schemes['']
    yield
    CheckpointLoader.register_scheme(prefixes='', loader=original, force=True)


class NoisyModel(BaseModel):
    """A linear regressor with dropout, so the main process's random state matters."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 1)
        self.drop = nn.Dropout(0.5)

    def forward(self, inputs, targets=None, mode='loss'):
        return dict(loss=((self.linear(self.drop(inputs)) - targets)**2).mean())


class AugmentedData(torch.utils.data.Dataset):
    """12 samples, each drawn with fresh noise from the torch generator of the process that
    loads it (the main process with ``num_workers=0``), as a random augmentation is."""

    def __init__(self):
        generator = torch.Generator().manual_seed(1)
        self.samples = [(torch.randn(4, generator=generator),
                         torch.randn(1, generator=generator)) for _ in range(12)]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        inputs, targets = self.samples[idx]
        return dict(inputs=inputs + 0.1 * torch.randn(4), targets=targets)


class Recorder(Hook):
    """Records each iteration's loss; sends itself ``signum`` ``repeat`` times after
    iteration ``at``."""

    def __init__(self, at=None, signum=signal.SIGTERM, repeat=1):
        self.losses, self.at, self.signum, self.repeat = {}, at, signum, repeat

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.losses[runner.iter + 1] = outputs['loss'].item()
        if runner.iter + 1 == self.at:
            for _ in range(self.repeat):
                os.kill(os.getpid(), self.signum)


def toy_runner(work_dir, recorder, interval=None, resume=False, loop='MidEpochResumeTrainLoop'):
    torch.manual_seed(0)  # the same initial weights in every run
    return Runner(
        model=NoisyModel(), work_dir=str(work_dir), resume=resume,
        train_dataloader=dict(dataset=AugmentedData(), batch_size=3, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(type=loop, max_epochs=3),
        custom_hooks=[EpochSeedHook(), SafeCheckpointHook(),
                      LatestCheckpointHook(interval=interval), recorder],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
        randomness=dict(seed=0))


@pytest.mark.parametrize('signum, at, repeat', [
    (signal.SIGTERM, 6, 1), (signal.SIGUSR1, 6, 1), (signal.SIGTERM, 4, 1),
    (signal.SIGTERM, 6, 3)],
    ids=['TERM mid-epoch', 'USR1 mid-epoch', 'TERM at the epoch end', 'three TERMs'])
def test_signal_mid_epoch_saves_and_the_resumed_run_matches(tmp_path, signum, at, repeat):
    """num_workers=0: the main process draws the augmentations, so the resumed run matches
    only when its random state is back before the first batch after the stop is fetched."""
    reference = Recorder()
    toy_runner(tmp_path / 'reference', reference).train()
    assert sorted(reference.losses) == list(range(1, 13))  # 4 iterations x 3 epochs

    stopped = Recorder(at=at, signum=signum, repeat=repeat)
    runner = toy_runner(tmp_path / 'run', stopped)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    runner.logger.addHandler(handler)
    with pytest.raises(SystemExit) as exit_:
        runner.train()
    runner.logger.removeHandler(handler)
    assert exit_.value.code == 128 + signum
    assert stopped.losses == {it: reference.losses[it] for it in range(1, at + 1)}
    log = '\n'.join(lines)
    assert log.count(f'{signum.name}: stopped after iteration {at}, saved') == 1
    assert log.count('later signal(s)') == (repeat > 1)
    if repeat > 1:
        assert 'SIGTERM: ignored 2 later signal(s) (SIGTERM, SIGTERM) while stopping' in log
    signal.signal(signum, signal.SIG_DFL)
    latest = str(tmp_path / 'run' / 'latest.pth')
    assert (tmp_path / 'run' / 'last_checkpoint').read_text() == latest
    checkpoint = load_checkpoint_file(latest)
    assert (checkpoint['meta']['epoch'], checkpoint['meta']['iter']) == ((at - 1) // 4, at)
    assert set(checkpoint['rng_state']) == {'python', 'numpy', 'torch', 'cuda'}

    resumed = Recorder()
    toy_runner(tmp_path / 'run', resumed, resume=True).train()
    assert resumed.losses == {it: reference.losses[it] for it in range(at + 1, 13)}  # exact
    assert load_checkpoint_file(str(tmp_path / 'run' / 'epoch_1.pth'))['meta']['iter'] == 4


def test_interval_keeps_one_latest_checkpoint_with_the_rng_state(tmp_path):
    toy_runner(tmp_path, Recorder(), interval=5).train()
    checkpoint = load_checkpoint_file(str(tmp_path / 'latest.pth'))
    assert checkpoint['meta']['iter'] == 10
    assert 'rng_state' in checkpoint
    assert 'rng_state' not in load_checkpoint_file(str(tmp_path / 'epoch_3.pth'))
    assert not osp.exists(tmp_path / 'iter_5.pth')


def test_mid_epoch_resume_by_mmengine_loop_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        toy_runner(tmp_path, Recorder(at=6)).train()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with pytest.raises(RuntimeError, match=r"resumed at iteration 6, inside epoch 2: "
                       r"EpochBasedTrainLoop would train its first batches again; set "
                       r"train_cfg.type='MidEpochResumeTrainLoop'"):
        toy_runner(tmp_path, Recorder(), resume=True, loop='EpochBasedTrainLoop').train()


def test_interval_must_be_a_positive_int():
    with pytest.raises(ValueError, match="interval must be a positive int or None, got '5'"):
        LatestCheckpointHook(interval='5')
