import random
from types import SimpleNamespace

import numpy as np
import torch

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


def test_persistent_workers_warn_once_and_stay():
    hook = EpochSeedHook()
    runners = [fake_runner(epoch=e, persistent=True) for e in (0, 1)]
    for runner in runners:
        hook.before_train_epoch(runner)
    assert runners[0].train_dataloader.worker_init_fn is None
    assert len(runners[0].warnings) == 1 and not runners[1].warnings
