"""Per-epoch seeding, so that a resumed run draws the same augmentations as an uninterrupted one."""
from functools import partial

import numpy as np
from mmengine.dataset import worker_init_fn
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.runner import set_random_seed
from mmpretrain.registry import HOOKS


def epoch_seed(seed: int, epoch: int) -> int:
    """A 31-bit seed that depends on the run's seed and the epoch only."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0] >> 1)


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Re-seeds the main process and the dataloader workers at the start of every epoch.

    mmengine seeds once per run, and its workers with the same seed every epoch, so neither a
    resumed run nor a run with re-created workers sees the augmentations of an uninterrupted
    one. Here every seed derives from ``(randomness.seed, epoch)``: the python, numpy and
    torch generators of the main process, and the train dataloader's ``worker_init_fn``
    (offset by rank and worker id as mmengine does); an epoch-boundary resume then reproduces
    the uninterrupted run on deterministic hardware. Needs ``persistent_workers=False``
    (workers re-created, hence re-seeded, per epoch); else it warns once and seeds the main
    process only.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._warned = False

    def before_train_epoch(self, runner) -> None:
        """Seeds the epoch's random generators."""
        if runner.seed is None:
            return
        seed = set_random_seed(epoch_seed(runner.seed, runner.epoch))
        loader = runner.train_dataloader
        if loader.num_workers == 0:
            return
        if loader.persistent_workers:
            if not self._warned:
                runner.logger.warning('EpochSeedHook: persistent_workers=True keeps the workers '
                                      'of the first epoch, so resumed runs draw different '
                                      'augmentations; set persistent_workers=False')
                self._warned = True
            return
        loader.worker_init_fn = partial(worker_init_fn, num_workers=loader.num_workers,
                                        rank=get_rank(), seed=seed)
