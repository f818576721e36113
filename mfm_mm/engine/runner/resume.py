"""Resuming: from a complete checkpoint, and an iteration checkpoint where it stopped."""
import glob
import os.path as osp
import random
import zipfile
from typing import List, Optional, Tuple

import numpy as np
import torch
from mmengine.registry import LOOPS
from mmengine.runner import EpochBasedTrainLoop


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` archive (every member's CRC checks out);
    False for missing, truncated or non-zip files."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def checkpoints_in(work_dir: str) -> List[str]:
    """The ``epoch_*.pth``, ``iter_*.pth`` and ``latest.pth`` files of ``work_dir``, newest
    written first."""
    found = [path for pattern in ('epoch_*.pth', 'iter_*.pth', 'latest.pth')
             for path in glob.glob(osp.join(work_dir, pattern))]
    return sorted(found, key=osp.getmtime, reverse=True)


def find_resumable_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """``(path or None, notes)``: the checkpoint named by ``work_dir/last_checkpoint``, else the
    newest complete one of :func:`checkpoints_in`, and one line per file passed over (an
    incomplete checkpoint, a ``last_checkpoint`` that names none), in order."""
    pointer, named, problem = osp.join(work_dir, 'last_checkpoint'), None, None
    if osp.isfile(pointer):
        with open(pointer, 'rb') as f:
            data = f.read(4097)
        try:
            named = data.decode('utf-8').strip() or None  # empty: killed while writing it
        except UnicodeDecodeError:
            problem = 'is not text'
        if named and (len(data) > 4096 or '\n' in named or '\x00' in named):
            named, problem = None, 'holds no single path'
    notes = [f'{pointer} {problem}; resuming the newest complete checkpoint'] if problem else []
    for path in dict.fromkeys(([named] if named else []) + checkpoints_in(work_dir)):
        if is_complete_checkpoint(path):
            return path, notes
        notes.append(f'skipped incomplete checkpoint {path}')
    return None, notes


def rng_state() -> dict:
    """The main process's python, numpy and torch random states."""
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state(),
                cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [])


@LOOPS.register_module()
class MidEpochResumeTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that, resumed from a mid-epoch checkpoint, goes on with the next
    batch of that epoch.

    mmengine's loop restarts a resumed epoch from its first batch (some batches trained twice,
    too many iterations counted). Here the first ``iter - epoch * len(dataloader)`` batches are
    drawn and dropped without a step, so the sampler order, the workers' random streams and the
    batch indices are those of the uninterrupted run; then the main process's random states
    saved with the checkpoint (:attr:`resume_rng_state`, set by
    :class:`~mfm_mm.engine.hooks.LatestCheckpointHook`) are restored before the next batch is
    fetched (with ``num_workers=0`` the main process draws the augmentations).
    :func:`mfm_mm.engine.build_runner` selects it for every ``EpochBasedTrainLoop``.
    """

    resume_rng_state: Optional[dict] = None

    def run_epoch(self) -> None:
        """Iterates the rest of one epoch."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        done = self._iter - self._epoch * len(self.dataloader)
        # all done: stopped after the epoch's last batch
        batches = iter(self.dataloader) if done < len(self.dataloader) else iter(())
        if 0 < done < len(self.dataloader):
            self.runner.logger.info(f'resume: drawing the {done} batches of epoch '
                                    f'{self._epoch + 1} trained before the stop, without steps')
            for _ in range(done):
                next(batches)
        state, self.resume_rng_state = self.resume_rng_state, None
        if state is not None:
            random.setstate(state['python'])
            np.random.set_state(state['numpy'])
            torch.set_rng_state(state['torch'])
            if state['cuda'] and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(state['cuda'])
        for idx, data_batch in enumerate(batches, start=done):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
