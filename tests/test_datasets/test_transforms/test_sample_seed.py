import random

import numpy as np
import pytest
import torch

from mfm_mm.datasets.transforms import SeedFromSample, derived_seed


def draws() -> tuple:
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_a_sample_draws_the_same_whatever_came_before():
    step = SeedFromSample(seed=7)
    step({'sample_idx': 3})
    first = draws()
    np.random.rand(1000), torch.rand(1000), random.random()  # another history ...
    step({'sample_idx': 3})
    assert draws() == first  # ... the same draws
    step({'sample_idx': 4})
    other_sample = draws()
    step.seed = 8
    step({'sample_idx': 3})
    other_epoch = draws()
    assert len({first, other_sample, other_epoch}) == 3


def test_streams_and_keys_give_different_seeds():
    assert derived_seed(0, 1) == int(np.random.SeedSequence([0, 1]).generate_state(1)[0] >> 1)
    assert len({derived_seed(0, 1), derived_seed(0, 1, stream=1), derived_seed(0, 1, stream=2),
                derived_seed(1, 0)}) == 4
    assert 0 <= derived_seed(2**40, 5) < 2**31


def test_a_dataset_without_sample_idx_is_named():
    with pytest.raises(KeyError, match=r"no sample_idx \(keys: \['img_path'\]\)"):
        SeedFromSample()({'img_path': 'a.jpg'})
