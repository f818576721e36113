"""An epoch-based train loop that resumes an iteration checkpoint where it stopped."""
from mmengine.registry import LOOPS
from mmengine.runner import EpochBasedTrainLoop


@LOOPS.register_module()
class MidEpochResumeTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that, resumed from a checkpoint written mid-epoch, goes on
    with the next batch of that epoch.

    mmengine's loop restarts a resumed epoch from its first batch, so a run resumed from
    ``iter_N.pth`` trains some batches twice and counts more iterations than it should. Here
    the first ``iter - epoch * len(dataloader)`` batches of the resumed epoch are drawn and
    dropped without a step: the sampler order, the workers' random streams and the batch
    indices seen by hooks are then those of the uninterrupted run (drawing them costs their
    loading time, not their training time). Outside that one epoch it is mmengine's loop.
    Selected by ``train_cfg.type``; :func:`mfm_mm.utils.build_runner` selects it for every
    ``EpochBasedTrainLoop``.
    """

    def run_epoch(self) -> None:
        """Iterates the rest of one epoch."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        done = self._iter - self._epoch * len(self.dataloader)
        if done > 0:
            self.runner.logger.info(f'resume: drawing the {done} batches of epoch '
                                    f'{self._epoch + 1} trained before the stop, without steps')
        if done < len(self.dataloader):  # all done: stopped after the epoch's last batch
            for idx, data_batch in enumerate(self.dataloader):
                if idx >= done:
                    self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
