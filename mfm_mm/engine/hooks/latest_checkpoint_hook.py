"""A ``latest.pth`` checkpoint every N iterations and when the job is told to stop."""
import os
import signal
import threading
from functools import partial
from typing import Callable, List, Optional, Sequence

import torch
from mmengine.dist import all_reduce, barrier
from mmengine.hooks import CheckpointHook
from mmengine.registry import HOOKS

from ..runner.resume import MidEpochResumeTrainLoop, rng_state

FILENAME = 'latest.pth'


def _ignore_in_worker(signals: Sequence[int], init_fn: Optional[Callable], worker_id: int) -> None:
    """``worker_init_fn``: the worker ignores ``signals`` unless its main process sends them
    (as multiprocessing does to stop workers at exit), then runs ``init_fn``."""
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    threading.Thread(target=_exit_on_signal_from_parent, args=(signals, ), daemon=True).start()
    if init_fn is not None:
        init_fn(worker_id)


def _exit_on_signal_from_parent(signals: Sequence[int]) -> None:
    while True:
        if signal.sigwaitinfo(signals).si_pid == os.getppid():
            os._exit(0)


@HOOKS.register_module()
class LatestCheckpointHook(CheckpointHook):
    """Keeps one iteration checkpoint, ``<work_dir>/latest.pth``, so a stop costs minutes.

    Written by mmengine's ``CheckpointHook`` (with the run's ``CheckpointHook`` backend, named in
    ``last_checkpoint``) every ``interval`` iterations and after the iteration during which the
    process got one of ``signals`` (slurm sends SIGTERM on pre-emption and at the time limit, and
    ``--signal=USR1@<s>`` ahead of it). One ``all_reduce`` of the signal number per iteration
    makes every rank stop after the same iteration, none exiting before rank 0 has saved, with
    ``128 + signal number``. Later signals (torchrun and slurm send more) are ignored and logged;
    only if no iteration ends within ``finish_timeout`` s of the first (a blocked read) does the
    process exit unsaved, with a line. The checkpoint carries the main process's random states,
    so ``--resume`` (with :class:`~mfm_mm.engine.runner.MidEpochResumeTrainLoop`) gives the
    losses of an uninterrupted run.

    Args:
        interval: Iterations between two writes; ``None`` writes on a signal only.
        signals: Names of the signals that stop the run after the current iteration.
        finish_timeout: Seconds the current iteration may take after the first signal.
    """

    priority = 'VERY_LOW'  # after the optimizer step, the schedulers and the logger

    def __init__(self, interval: Optional[int] = None,
                 signals: Sequence[str] = ('SIGTERM', 'SIGUSR1'),
                 finish_timeout: float = 30.0) -> None:
        if interval is not None and (not isinstance(interval, int) or interval < 1):
            raise ValueError(f'LatestCheckpointHook: interval must be a positive int or None, '
                             f'got {interval!r}')
        super().__init__(interval=interval or -1, by_epoch=False, save_last=False,
                         filename_tmpl=FILENAME)
        self.signals = [getattr(signal, name) for name in signals]
        self.finish_timeout = finish_timeout
        self._received: Optional[int] = None
        self._ignored: List[str] = []
        self._deadline: Optional[threading.Timer] = None
        self._previous = {}
        self._saving = False

    def _handle(self, signum: int, frame) -> None:
        if self._received is not None:
            self._ignored.append(signal.Signals(signum).name)
            return
        self._received = signum
        self._deadline = threading.Timer(self.finish_timeout, self._give_up, (signum, ))
        self._deadline.daemon = True
        self._deadline.start()

    def _give_up(self, signum: int) -> None:
        """Ends a process whose iteration did not finish after the signal."""
        os.write(2, (f'{signal.Signals(signum).name}: no iteration ended within '
                     f'{self.finish_timeout:g} s, stopped without saving; --resume goes on '
                     'from the last checkpoint\n').encode())
        os._exit(128 + signum)

    def before_run(self, runner) -> None:
        """Installs the signal handlers."""
        self._previous = {signum: signal.signal(signum, self._handle) for signum in self.signals}

    def after_run(self, runner) -> None:
        """Puts the previous signal handlers back."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def before_train(self, runner) -> None:
        """Refuses a mid-epoch resume by a loop that would repeat the epoch's first batches;
        takes the backend of the run's ``CheckpointHook``."""
        loop = runner.train_loop
        inside = runner.iter != runner.epoch * len(loop.dataloader)  # latest.pth: epoch unfinished
        if inside and not isinstance(loop, MidEpochResumeTrainLoop):
            raise RuntimeError(f'resumed at iteration {runner.iter}, inside epoch '
                               f'{runner.epoch + 1}: {type(loop).__name__} would train its first '
                               "batches again; set train_cfg.type='MidEpochResumeTrainLoop'")
        self.backend_args = next((hook.backend_args for hook in runner.hooks if isinstance(
            hook, CheckpointHook) and not isinstance(hook, LatestCheckpointHook)), None)
        super().before_train(runner)

    def before_train_epoch(self, runner) -> None:
        """Makes the workers ignore the signals unless the main process sends them (torch's
        workers die of SIGTERM, and slurm signals every process of the job step)."""
        loader = runner.train_loop.dataloader
        init_fn = loader.worker_init_fn
        if loader.num_workers > 0 and getattr(init_fn, 'func', None) is not _ignore_in_worker:
            loader.worker_init_fn = partial(_ignore_in_worker, self.signals, init_fn)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Adds the random states to this hook's own checkpoints."""
        if self._saving:
            checkpoint['rng_state'] = rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Hands the random states of a resumed mid-epoch checkpoint to the loop."""
        if runner._resume and isinstance(runner.train_loop, MidEpochResumeTrainLoop):
            runner.train_loop.resume_rng_state = checkpoint.get('rng_state')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Writes ``latest.pth`` when due, and stops the run after a signal."""
        received = torch.tensor([self._received or 0], dtype=torch.int64)
        all_reduce(received, op='max')  # whichever rank got it
        if received.item():
            self._stop(runner, int(received.item()))
        super().after_train_iter(runner, batch_idx, data_batch, outputs)

    def _stop(self, runner, signum: int) -> None:
        """Saves, waits for every rank and exits with ``128 + signum``."""
        self._received = self._received or signum  # later signals are ignored from now on
        if self._deadline is not None:
            self._deadline.cancel()
        self._save_checkpoint(runner)
        barrier()  # no rank exits (and makes torchrun kill the others) before the save
        name = signal.Signals(signum).name
        runner.logger.info(f'{name}: stopped after iteration {runner.iter + 1}, saved '
                           f'{self.last_ckpt}; continue with --resume')
        if self._ignored:
            runner.logger.info(f'{name}: ignored {len(self._ignored)} later signal(s) '
                               f'({", ".join(self._ignored)}) while stopping')
        for other in self.signals:  # Python's exit resets handlers: a signal then kills (-15)
            signal.signal(other, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    def _save_checkpoint(self, runner) -> None:
        """mmengine's save (``latest.pth`` and ``last_checkpoint``), with the random states."""
        self._saving = True
        try:
            super()._save_checkpoint(runner)
        finally:
            self._saving = False
