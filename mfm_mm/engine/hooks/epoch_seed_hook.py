"""Seeding from the run's seed, epoch, iteration and sample, so that a resumed run draws what an
uninterrupted one draws, at any ``num_workers``."""
from functools import partial

from mmengine.dataset import worker_init_fn
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.runner import set_random_seed
from mmpretrain.registry import HOOKS

from mfm_mm.datasets.transforms import SeedFromSample, derived_seed


def epoch_seed(seed: int, epoch: int) -> int:
    """A 31-bit seed that depends on the run's seed and the epoch only."""
    return derived_seed(seed, epoch)


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seeds the augmentations per sample and the model's random draws per iteration.

    mmengine seeds once per run, and its workers by worker id, so neither a resumed run nor a
    run with another ``num_workers`` sees the augmentations of an uninterrupted one. Here, from
    ``seed = randomness.seed`` (rank-offset by mmengine with ``diff_rank_seed``):

    - augmentations: a :class:`~mfm_mm.datasets.transforms.SeedFromSample` step first in the
      train pipeline seeds every sample from ``(seed, epoch, sample index)``, in whichever
      process loads it, persistent workers included;
    - the main process (drop path, the model's masks): from ``(seed, epoch)`` at the start of
      the epoch and ``(seed, iteration)`` before every iteration, whatever the loader drew;
    - the dataloader workers' own generators: from ``(seed, epoch)``, offset by rank and worker
      id as mmengine does. Only a dataset wrapper, whose pipeline the hook cannot reach, still
      depends on them: its exact resume needs the same ``num_workers`` and
      ``persistent_workers=False`` (the hook warns).
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._sample_seed = None

    def before_train(self, runner) -> None:
        """Puts the per-sample seeding step first in the train pipeline."""
        if runner.seed is None:
            return
        pipeline = getattr(runner.train_dataloader.dataset, 'pipeline', None)
        if pipeline is None:
            runner.logger.warning('EpochSeedHook: the train dataset is wrapped, so its '
                                  'augmentations are seeded per worker: an exact resume needs '
                                  'the same num_workers and persistent_workers=False')
            return
        steps = pipeline.transforms
        if not (steps and isinstance(steps[0], SeedFromSample)):
            steps.insert(0, SeedFromSample())
        self._sample_seed = steps[0]

    def before_train_epoch(self, runner) -> None:
        """Seeds the epoch's per-sample step, workers and main process."""
        if runner.seed is None:
            return
        seed = set_random_seed(epoch_seed(runner.seed, runner.epoch))
        if self._sample_seed is not None:
            self._sample_seed.seed = seed
        loader = runner.train_dataloader
        if loader.num_workers and not loader.persistent_workers:
            loader.worker_init_fn = partial(worker_init_fn, num_workers=loader.num_workers,
                                            rank=get_rank(), seed=seed)

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        """Seeds the main process for this iteration."""
        if runner.seed is not None:
            set_random_seed(derived_seed(runner.seed, runner.iter, stream=2))
