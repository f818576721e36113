import random
from types import SimpleNamespace

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from torch.utils.data import DataLoader

from mfm_mm.engine.hooks import EpochSeedHook
from mfm_mm.engine.hooks.epoch_seed_hook import epoch_seed


def fake_runner(epoch, seed=0, workers=2, persistent=False):
    loader = SimpleNamespace(num_workers=workers, persistent_workers=persistent,
                             worker_init_fn=None)
    warnings = []
    return SimpleNamespace(seed=seed, epoch=epoch, train_dataloader=loader,
                           logger=SimpleNamespace(warning=warnings.append), warnings=warnings)


def draws():
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_same_seed_and_epoch_give_the_same_draws_whatever_came_before():
    hook = EpochSeedHook()
    hook.before_train_epoch(fake_runner(epoch=3))
    first = draws()
    np.random.rand(1000)  # a different history ...
    hook.before_train_epoch(fake_runner(epoch=3))
    assert draws() == first  # ... the same epoch-3 stream
    hook.before_train_epoch(fake_runner(epoch=4))
    assert draws() != first


def test_workers_are_seeded_per_epoch():
    hook = EpochSeedHook()
    runners = [fake_runner(epoch=e) for e in (0, 1)]
    for runner in runners:
        hook.before_train_epoch(runner)
    seeds = [r.train_dataloader.worker_init_fn.keywords['seed'] for r in runners]
    assert seeds == [epoch_seed(0, 0), epoch_seed(0, 1)] and seeds[0] != seeds[1]
    assert runners[0].train_dataloader.worker_init_fn.keywords['num_workers'] == 2


def test_persistent_workers_keep_their_generators():
    runner = fake_runner(epoch=0, persistent=True)
    EpochSeedHook().before_train_epoch(runner)
    assert runner.train_dataloader.worker_init_fn is None and not runner.warnings


class RandomCrops(BaseDataset):
    """Eight samples whose pipeline draws from python, numpy and torch."""

    def load_data_list(self) -> list:
        return [dict(value=i) for i in range(8)]


def draw_all(results: dict) -> dict:
    return dict(results, draws=torch.tensor(draws()))


def loader_runner(workers: int, persistent: bool = False) -> SimpleNamespace:
    dataset = RandomCrops(pipeline=[draw_all], serialize_data=False)
    loader = DataLoader(dataset, batch_size=2, num_workers=workers, shuffle=False,
                        persistent_workers=persistent,
                        collate_fn=lambda batch: torch.stack([s['draws'] for s in batch]))
    return SimpleNamespace(seed=0, epoch=0, iter=0, train_dataloader=loader,
                           logger=SimpleNamespace(warning=print))


def epoch_draws(workers: int, epochs: tuple, persistent: bool = False) -> list:
    """Each epoch's ``(8, 3)`` draws, one loader for all epochs."""
    runner, hook = loader_runner(workers, persistent), EpochSeedHook()
    hook.before_train(runner)
    per_epoch = []
    for runner.epoch in epochs:
        hook.before_train_epoch(runner)
        per_epoch.append(torch.cat(list(runner.train_dataloader)))
    return per_epoch


def test_augmentations_do_not_depend_on_num_workers():
    (zero, ), (two, ) = epoch_draws(0, (1, )), epoch_draws(2, (1, ))
    assert zero.shape == (8, 3) and torch.equal(zero, two)
    assert len(set(zero[:, 1].tolist())) == 8  # every sample its own draws
    assert not torch.equal(zero, epoch_draws(0, (2, ))[0])


def test_persistent_workers_draw_each_epochs_augmentations():
    """Workers started in epoch 1 read epoch 2's seed: a run resumed at epoch 2 (new workers,
    or none) draws the same."""
    persistent = epoch_draws(2, (1, 2), persistent=True)
    assert not torch.equal(*persistent)
    assert torch.equal(persistent[1], epoch_draws(0, (2, ))[0])
    assert torch.equal(persistent[1], epoch_draws(2, (2, ), persistent=True)[0])


def test_the_seeding_step_is_put_in_once_and_the_main_process_seeded_per_iteration():
    runner, hook = loader_runner(0), EpochSeedHook()
    hook.before_train(runner)
    EpochSeedHook().before_train(runner)
    steps = runner.train_dataloader.dataset.pipeline.transforms
    assert [type(step).__name__ for step in steps] == ['SeedFromSample', 'function']
    runner.iter = 5
    hook.before_train_iter(runner, 0)
    first = draws()
    next(iter(runner.train_dataloader))  # the loader draws in the main process ...
    hook.before_train_iter(runner, 0)
    assert draws() == first  # ... and the iteration still starts from its own seed
