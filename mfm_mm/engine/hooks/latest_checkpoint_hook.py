"""A ``latest.pth`` checkpoint every N iterations and when the job is told to stop."""
import os
import os.path as osp
import random
import signal
import threading
from functools import partial
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from mmengine.dist import all_reduce, get_world_size, is_main_process
from mmengine.fileio import get_file_backend
from mmengine.hooks import CheckpointHook, Hook
from mmengine.registry import HOOKS

from ..runner import MidEpochResumeTrainLoop

FILENAME = 'latest.pth'


def _rng_state() -> dict:
    """The main process's python, numpy and torch random states."""
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state(),
                cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [])


def _ignore_in_worker(signals: Sequence[int], init_fn: Optional[Callable],
                      worker_id: int) -> None:
    """``worker_init_fn``: the worker ignores ``signals`` unless its main process sends them
    (as multiprocessing does to stop workers at exit), then runs ``init_fn``."""
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    threading.Thread(target=_exit_on_signal_from_parent, args=(signals,), daemon=True).start()
    if init_fn is not None:
        init_fn(worker_id)


def _exit_on_signal_from_parent(signals: Sequence[int]) -> None:
    while True:
        if signal.sigwaitinfo(signals).si_pid == os.getppid():
            os._exit(0)


def _set_rng_state(state: dict) -> None:
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if state['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class LatestCheckpointHook(Hook):
    """Keeps one iteration checkpoint, ``<work_dir>/latest.pth``, so a stop costs minutes.

    It is written (through the run's ``CheckpointHook`` backend, atomically with
    ``atomic_local``, and named by ``last_checkpoint``) every ``interval`` iterations and
    after the iteration during which the process got one of ``signals`` (slurm sends SIGTERM
    on pre-emption and at the time limit, and ``--signal=USR1@<s>`` ahead of it). After a
    signal the run logs one line and exits with ``128 + signal number``; a second signal kills
    at once. In distributed runs the ranks agree on the stop with one ``all_reduce`` of a flag
    per iteration, so every rank stops after the same iteration. The checkpoint carries the
    main process's random states; resumed with ``--resume`` (and
    :class:`~mfm_mm.engine.runner.MidEpochResumeTrainLoop`, which skips the batches of the
    epoch already trained) the run continues with the losses of an uninterrupted one.

    Args:
        interval: Iterations between two writes; ``None`` writes on a signal only.
        signals: Names of the signals that stop the run after the current iteration.
    """

    priority = 'VERY_LOW'  # after the optimizer step, the schedulers and the logger

    def __init__(self, interval: Optional[int] = None,
                 signals: Sequence[str] = ('SIGTERM', 'SIGUSR1')) -> None:
        if interval is not None and (not isinstance(interval, int) or interval < 1):
            raise ValueError(f'LatestCheckpointHook: interval must be a positive int or None, '
                             f'got {interval!r}')
        self.interval = interval
        self.signals = [getattr(signal, name) for name in signals]
        self._received: Optional[int] = None
        self._previous = {}
        self._saving = False
        self._rng: Optional[dict] = None

    def _handle(self, signum: int, frame) -> None:
        self._received = signum
        signal.signal(signum, signal.SIG_DFL)  # a second one kills at once

    def before_run(self, runner) -> None:
        """Installs the signal handlers."""
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._handle)

    def after_run(self, runner) -> None:
        """Puts the previous signal handlers back."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def before_train(self, runner) -> None:
        """Refuses a mid-epoch resume by a loop that would repeat the epoch's first batches;
        restores the random states of a ``latest.pth`` written after an epoch's last batch."""
        loop = runner.train_loop
        per_epoch = len(loop.dataloader)
        inside = runner.iter != runner.epoch * per_epoch  # latest.pth: epoch unfinished
        if inside and not isinstance(loop, MidEpochResumeTrainLoop):
            raise RuntimeError(f'resumed at iteration {runner.iter}, inside epoch '
                               f'{runner.epoch + 1}: {type(loop).__name__} would train its first '
                               "batches again; set train_cfg.type='MidEpochResumeTrainLoop'")
        if self._rng is not None and runner.iter == (runner.epoch + 1) * per_epoch:
            _set_rng_state(self._rng)  # before the next epoch's hooks, as in the first run
            self._rng = None

    def before_train_epoch(self, runner) -> None:
        """Makes the epoch's dataloader workers ignore the signals when others than the main
        process send them (torch's workers die of SIGTERM, and slurm signals every process of
        the job step); the main process stops them after the iteration."""
        loader = runner.train_loop.dataloader
        init_fn = loader.worker_init_fn
        if loader.num_workers > 0 and getattr(init_fn, 'func', None) is not _ignore_in_worker:
            loader.worker_init_fn = partial(_ignore_in_worker, self.signals, init_fn)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Adds the random states to this hook's own checkpoints."""
        if self._saving:
            checkpoint['rng_state'] = _rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keeps the random states of a resumed mid-epoch checkpoint."""
        self._rng = checkpoint.get('rng_state')

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        """Restores the random states at the first iteration of a run resumed mid-epoch."""
        if self._rng is not None and batch_idx > 0:
            _set_rng_state(self._rng)
        self._rng = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """Writes ``latest.pth`` when due, and stops the run after a signal."""
        stop = self._received is not None
        if get_world_size() > 1:
            flag = torch.tensor([self._received or 0], dtype=torch.int64)
            all_reduce(flag, op='max')
            stop, self._received = bool(flag.item()), int(flag.item()) or None
        if stop or (self.interval is not None and self.every_n_train_iters(runner, self.interval)):
            path = self._save(runner)
        if stop:
            name = signal.Signals(self._received).name
            runner.logger.info(f'{name}: stopped after iteration {runner.iter + 1}, saved {path}; '
                               'continue with --resume')
            raise SystemExit(128 + self._received)

    def _save(self, runner) -> str:
        checkpoint_hooks = [h for h in runner.hooks if isinstance(h, CheckpointHook)]
        backend_args = checkpoint_hooks[0].backend_args if checkpoint_hooks else None
        self._saving = True
        try:
            runner.save_checkpoint(runner.work_dir, FILENAME, by_epoch=False,
                                   backend_args=backend_args)
        finally:
            self._saving = False
        path = osp.join(runner.work_dir, FILENAME)
        if is_main_process():
            get_file_backend(runner.work_dir, backend_args=backend_args).put_text(
                path, osp.join(runner.work_dir, 'last_checkpoint'))
        return path
