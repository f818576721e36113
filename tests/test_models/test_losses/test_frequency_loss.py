import numpy as np
import pytest
import torch

from conftest import CPU_AUTOCAST_DTYPES
from mfm_mm.models.losses import FrequencyLoss
from mfm_mm.models.utils import disc_keep_mask, to_fft_layout

# One image, two channels, 2 x 2. Orthonormal fft2 of the targets (pred = 0):
# [[1, 1], [0, 0]] -> [[1, 0], [1, 0]];  [[0, 0], [0, 2]] -> [[1, -1], [-1, 1]].
TARGET = torch.tensor([[[[1., 1.], [0., 0.]], [[0., 0.], [0., 2.]]]])
PRED = torch.zeros_like(TARGET)
KEEP_DC = torch.tensor([[[1., 0.], [0., 0.]]])  # fft layout: only DC kept


def test_masked_loss_matches_hand_computed_value():
    # removed bins (0,1), (1,0), (1,1): channel 1 -> 0 + 1 + 0, channel 2 -> 1 + 1 + 1.
    loss = FrequencyLoss()(PRED, TARGET, KEEP_DC)
    assert loss.item() == pytest.approx(4 / (2 * 3), abs=1e-5)


def test_all_bins_loss_matches_hand_computed_value():
    loss = FrequencyLoss()(PRED, TARGET)
    assert loss.item() == pytest.approx((2 + 4) / 8, abs=1e-5)


def full_spectrum_loss(pred, target, keep=None, focal=False):
    """Reference: the spec's formula on the full (shifted) spectrum, in float64 numpy."""
    diff = np.fft.fftshift(np.fft.fft2((pred - target).double().numpy(), norm='ortho'),
                           axes=(-2, -1))
    d = np.sqrt(diff.real**2 + diff.imag**2 + 1e-12)
    if focal:
        d = d * d / d.max(axis=(-2, -1), keepdims=True)
    if keep is None:
        return d.mean()
    removed = 1 - keep.double().numpy()[:, None]
    return (d * removed).sum() / (pred.shape[1] * removed.sum())


@pytest.mark.parametrize('size', [(8, 8), (9, 7), (16, 12)])
@pytest.mark.parametrize('focal', [False, True])
def test_half_spectrum_loss_equals_full_spectrum_loss(size, focal):
    torch.manual_seed(0)
    h, w = size
    pred, target = torch.randn(2, 3, h, w), torch.randn(2, 3, h, w)
    low = torch.from_numpy(disc_keep_mask(size, 3))
    shifted = torch.stack([low, ~low])  # a low-pass and a high-pass image
    masked = FrequencyLoss(focal=focal)(pred, target, to_fft_layout(shifted))
    assert masked.item() == pytest.approx(full_spectrum_loss(pred, target, shifted, focal),
                                          rel=1e-5)
    every = FrequencyLoss(focal=focal)(pred, target)
    assert every.item() == pytest.approx(full_spectrum_loss(pred, target, None, focal), rel=1e-5)


@pytest.mark.parametrize('dtype', CPU_AUTOCAST_DTYPES)
def test_loss_stays_float32_under_autocast(dtype):
    torch.manual_seed(0)
    pred = torch.randn(2, 3, 16, 16, requires_grad=True)
    target = torch.randn(2, 3, 16, 16)
    keep = to_fft_layout(torch.from_numpy(disc_keep_mask((16, 16), 4))).expand(2, 16, 16)
    reference = FrequencyLoss()(pred, target, keep)
    with torch.autocast('cpu', dtype=dtype):
        loss = FrequencyLoss()(pred.to(dtype), target, keep)
    assert loss.dtype == torch.float32
    assert loss.item() == pytest.approx(reference.item(), rel=1e-2)  # only the input rounding
    loss.backward()
    assert torch.isfinite(pred.grad).all()


def test_zero_when_prediction_equals_target():
    target = torch.randn(2, 3, 8, 8)
    for keep in (torch.zeros(2, 8, 8), None):
        assert FrequencyLoss()(target, target, keep).item() < 1e-5


def test_only_removed_bins_contribute():
    torch.manual_seed(0)
    target = torch.randn(1, 3, 8, 8)
    pred = target + 0.1 * torch.randn(1, 3, 8, 8)
    keep = torch.zeros(1, 8, 8)
    keep[0, 0, 0] = keep[0, 0, 1] = keep[0, 0, 7] = 1  # DC and the first horizontal pair
    loss_fn = FrequencyLoss()
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
    plain = FrequencyLoss()(pred, target)
    focal = FrequencyLoss(focal=True)(pred, target)
    assert focal.item() == pytest.approx(plain.item(), rel=1e-5)


def test_focal_weight_down_weights_small_errors():
    torch.manual_seed(0)
    pred, target = torch.randn(2, 3, 8, 8), torch.randn(2, 3, 8, 8)
    loss = FrequencyLoss(focal=True, log_matrix=True)
    weight = loss.focal_weight(torch.rand(2, 3, 8, 8))
    assert weight.min() >= 0 and weight.max() == pytest.approx(1.)
    assert loss(pred, target) < FrequencyLoss()(pred, target)


@pytest.mark.parametrize('kwargs, error, message', [
    (dict(gamma=0), ValueError, r'gamma must be a number in \(0.0, inf\), got 0'),
    (dict(alpha='1'), TypeError, "alpha must be a number .*got '1' of type str"),
    (dict(loss_weight=-1.), ValueError, 'loss_weight'),
    (dict(focal='yes'), TypeError, "focal must be a bool, got 'yes'"),
    (dict(mode='masked'), TypeError, 'mode'),  # the mask's presence decides
])
def test_bad_options_name_the_option(kwargs, error, message):
    with pytest.raises(error, match=message):
        FrequencyLoss(**kwargs)



def test_mmpretrain_mim_head_passes_the_corruption_mask_to_the_loss():
    from mmpretrain.registry import MODELS
    head = MODELS.build(dict(type='MIMHead', loss=dict(type='FrequencyLoss', loss_weight=2.0)))
    assert head.loss(PRED, TARGET, KEEP_DC).item() == pytest.approx(2.0 * 4 / 6, abs=1e-5)
    assert head.loss(PRED, TARGET).item() == pytest.approx(2.0 * 6 / 8, abs=1e-5)
