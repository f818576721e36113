import numpy as np
import pytest
import torch

from mfm_mm.models.losses import FrequencyLoss

# One image, two channels, 2 x 2. Orthonormal fft2 of the targets (pred = 0):
# [[1, 1], [0, 0]] -> [[1, 0], [1, 0]];  [[0, 0], [0, 2]] -> [[1, -1], [-1, 1]].
TARGET = torch.tensor([[[[1., 1.], [0., 0.]], [[0., 0.], [0., 2.]]]])
PRED = torch.zeros_like(TARGET)
KEEP_DC = torch.tensor([[[1., 0.], [0., 0.]]])  # fft layout: only DC kept


def test_masked_loss_matches_hand_computed_value():
    # removed bins (0,1), (1,0), (1,1): channel 1 -> 0 + 1 + 0, channel 2 -> 1 + 1 + 1.
    loss = FrequencyLoss(mode='masked')(PRED, TARGET, KEEP_DC)
    assert loss.item() == pytest.approx(4 / (2 * 3), abs=1e-5)


def test_all_bins_loss_matches_hand_computed_value():
    loss = FrequencyLoss(mode='all')(PRED, TARGET)
    assert loss.item() == pytest.approx((2 + 4) / 8, abs=1e-5)


def test_masked_loss_pools_bins_over_the_batch():
    torch.manual_seed(0)
    pred, target = torch.randn(2, 3, 8, 8), torch.randn(2, 3, 8, 8)
    keep = (torch.rand(2, 8, 8) > 0.3).float()
    d = np.abs(np.fft.fft2((pred - target).numpy(), norm='ortho'))
    removed = 1 - keep.numpy()[:, None]
    expected = (d * removed).sum() / (3 * removed.sum())
    loss = FrequencyLoss(mode='masked')(pred, target, keep)
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_zero_when_prediction_equals_target():
    target = torch.randn(2, 3, 8, 8)
    for mode in ('masked', 'all'):
        assert FrequencyLoss(mode=mode)(target, target, torch.zeros(2, 8, 8)).item() < 1e-5


def test_only_removed_bins_contribute():
    torch.manual_seed(0)
    target = torch.randn(1, 3, 8, 8)
    pred = target + 0.1 * torch.randn(1, 3, 8, 8)
    keep = torch.zeros(1, 8, 8)
    keep[0, 0, 0] = keep[0, 0, 1] = keep[0, 0, 7] = 1  # DC and the first horizontal pair
    loss_fn = FrequencyLoss(mode='masked')
    base = loss_fn(pred, target, keep)
    cosine = torch.cos(2 * torch.pi * torch.arange(8.) / 8).expand(8, 8)  # bins (0, +-1)
    assert loss_fn(pred + 5 * cosine, target, keep).item() == pytest.approx(base.item(),
                                                                            rel=1e-5)
    vertical = cosine.t()  # bins (+-1, 0): removed
    assert loss_fn(pred + 5 * vertical, target, keep) > base + 0.1


def test_focal_weight_is_one_for_a_flat_error_spectrum():
    pred = torch.zeros(1, 1, 4, 4)
    target = torch.zeros(1, 1, 4, 4)
    target[0, 0, 0, 0] = 1.  # a delta: the same |dF| in every bin
    plain = FrequencyLoss(mode='all')(pred, target)
    focal = FrequencyLoss(mode='all', focal=True)(pred, target)
    assert focal.item() == pytest.approx(plain.item(), rel=1e-5)


def test_focal_weight_down_weights_small_errors():
    torch.manual_seed(0)
    pred, target = torch.randn(2, 3, 8, 8), torch.randn(2, 3, 8, 8)
    loss = FrequencyLoss(mode='all', focal=True, log_matrix=True)
    weight = loss.focal_weight(torch.rand(2, 3, 8, 8))
    assert weight.min() >= 0 and weight.max() == pytest.approx(1.)
    assert loss(pred, target) < FrequencyLoss(mode='all')(pred, target)


def test_bad_mode_and_missing_mask_raise():
    with pytest.raises(ValueError, match='mode'):
        FrequencyLoss(mode='sum')
    with pytest.raises(ValueError, match='keep'):
        FrequencyLoss()(PRED, TARGET)
