"""An epoch-based train loop that resumes an iteration checkpoint where it stopped."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.registry import LOOPS
from mmengine.runner import EpochBasedTrainLoop


def rng_state() -> dict:
    """The main process's python, numpy and torch random states."""
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state(),
                cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [])


def set_rng_state(state: dict) -> None:
    """Restores the states of :func:`rng_state`."""
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if state['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@LOOPS.register_module()
class MidEpochResumeTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that, resumed from a checkpoint written mid-epoch, goes on
    with the next batch of that epoch.

    mmengine's loop restarts a resumed epoch from its first batch, so a run resumed from
    ``iter_N.pth`` trains some batches twice and counts more iterations than it should. Here
    the first ``iter - epoch * len(dataloader)`` batches of the resumed epoch are drawn and
    dropped without a step: the sampler order, the workers' random streams and the batch
    indices seen by hooks are then those of the uninterrupted run (drawing them costs their
    loading time, not their training time). Then the main process's random states saved with
    the checkpoint (:attr:`resume_rng_state`, set by
    :class:`~mfm_mm.engine.hooks.LatestCheckpointHook`) are restored, before the next batch
    is fetched: with ``num_workers=0`` the main process draws the augmentations itself.
    Outside that one epoch it is mmengine's loop. :func:`mfm_mm.engine.build_runner`
    selects it for every ``EpochBasedTrainLoop``.
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
        if self.resume_rng_state is not None:
            set_rng_state(self.resume_rng_state)
            self.resume_rng_state = None
        for idx, data_batch in enumerate(batches, start=done):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
