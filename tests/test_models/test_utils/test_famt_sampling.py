"""FAMT's sampler: exact group sizes, the multinomial-without-replacement law, clear errors."""
import itertools

import pytest
import torch

from mfm_mm.models.utils.famt_sampling import split_sizes, weighted_order


def test_split_sizes_match_the_paper_defaults():
    assert split_sizes(196, 0.45, 0.40) == (88, 78, 30)  # int(88.2), int(78.4), rest
    assert split_sizes(196, 0.75, 0.0) == (147, 0, 49)  # MAE's warm-up: 49 visible as MAE
    assert split_sizes(16, 0.45, 0.40) == (7, 6, 3)


@pytest.mark.parametrize('mask_ratio, throw_ratio', [(0.6, 0.4), (0.5, 0.7), (0., 0.4),
                                                     (1.0, 0.), (0.45, -0.1)])
def test_bad_ratios_name_the_options(mask_ratio, throw_ratio):
    with pytest.raises(ValueError, match='mask_ratio.*throw_ratio'):
        split_sizes(196, mask_ratio, throw_ratio)


def test_order_is_a_permutation_per_image():
    generator = torch.Generator().manual_seed(0)
    order = weighted_order(torch.rand(32, 196), generator)
    assert order.shape == (32, 196)
    assert (order.sort(dim=1).values == torch.arange(196)).all()
    num_mask, num_throw, num_visible = split_sizes(196, 0.45, 0.40)
    masked, thrown = order[:, :num_mask], order[:, num_mask:num_mask + num_throw]
    visible = order[:, num_mask + num_throw:]
    assert (masked.shape[1], thrown.shape[1], visible.shape[1]) == (88, 78, 30)


def test_order_follows_sampling_without_replacement():
    """P(first = i, second = j) = w_i / S * w_j / (S - w_i), checked on 200k draws."""
    weights = torch.tensor([1., 2., 3., 4.])
    generator = torch.Generator().manual_seed(0)
    order = weighted_order(weights.expand(200_000, -1), generator)
    total = weights.sum()
    for i, j in itertools.permutations(range(4), 2):
        expected = weights[i] / total * weights[j] / (total - weights[i])
        observed = ((order[:, 0] == i) & (order[:, 1] == j)).float().mean()
        assert observed == pytest.approx(expected.item(), abs=0.004), (i, j)


def test_high_weight_patches_are_masked_and_low_weight_ones_stay_visible():
    weights = torch.full((1000, 196), 0.05)
    weights[:, :49] = 1.0  # a quarter of the patches carry most of the weight
    generator = torch.Generator().manual_seed(0)
    order = weighted_order(weights, generator)
    num_mask, num_throw, _ = split_sizes(196, 0.45, 0.40)
    masked = torch.zeros(1000, 196).scatter(1, order[:, :num_mask], 1.)
    visible = torch.zeros(1000, 196).scatter(1, order[:, num_mask + num_throw:], 1.)
    # 49 heavy patches of weight 1 against 147 light ones of weight 0.05 (total 7.35 vs 49):
    # nearly all heavy patches are drawn among the first 88, almost none stays visible.
    assert masked[:, :49].mean() > 0.95
    assert masked[:, 49:].mean() < 0.3
    assert visible[:, :49].mean() < 0.01
    assert visible[:, 49:].mean() == pytest.approx(30 / 147, abs=0.01)


def test_zero_weights_are_drawn_last_in_random_order():
    weights = torch.tensor([[0., 1., 0., 1.]]).expand(4000, -1)
    order = weighted_order(weights, torch.Generator().manual_seed(0))
    assert set(order[:, :2].flatten().tolist()) == {1, 3}
    assert (order[:, 2] == 0).float().mean() == pytest.approx(0.5, abs=0.03)
