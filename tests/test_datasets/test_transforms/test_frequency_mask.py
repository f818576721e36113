import numpy as np
import pytest
import torch

from mfm_mm.datasets.transforms import FrequencyMaskGenerator, disc_keep_mask


def brute_force_low_pass(h, w, r1, r2=None):
    keep = np.zeros((h, w), bool)
    for y in range(h):
        for x in range(w):
            d2 = (x - w // 2)**2 + (y - h // 2)**2
            keep[y, x] = d2 < r1**2 or (r2 is not None and d2 >= r2**2)
    return keep


def test_radius_16_at_224_keeps_793_bins():
    gen = FrequencyMaskGenerator(input_size=224, radius=16)
    assert int(gen.low_pass.sum()) == 793
    assert int(gen.high_pass.sum()) == 224 * 224 - 793
    assert gen.low_pass[112, 112] and not gen.high_pass[112, 112]  # DC at (H//2, W//2)


def test_low_and_high_pass_sum_to_one():
    gen = FrequencyMaskGenerator(input_size=224, radius=16)
    total = gen.low_pass.int() + gen.high_pass.int()
    assert torch.equal(total, torch.ones(224, 224, dtype=torch.int32))


def test_low_pass_frequency_matches_probability():
    np.random.seed(0)
    gen = FrequencyMaskGenerator(input_size=32, radius=4, low_pass_prob=0.3)
    draws = [bool(gen({})['freq_mask'][16, 16]) for _ in range(4000)]
    assert abs(np.mean(draws) - 0.3) < 0.03  # 4 binomial standard deviations


@pytest.mark.parametrize('prob', [0.0, 1.0])
def test_probability_endpoints(prob):
    gen = FrequencyMaskGenerator(input_size=16, radius=3, low_pass_prob=prob)
    expected = gen.low_pass if prob == 1.0 else gen.high_pass
    assert all(torch.equal(gen({})['freq_mask'], expected) for _ in range(20))


def test_non_square_input_matches_brute_force():
    gen = FrequencyMaskGenerator(input_size=(48, 80), radius=10)
    assert gen.low_pass.shape == (48, 80)
    np.testing.assert_array_equal(gen.low_pass.numpy(), brute_force_low_pass(48, 80, 10))
    assert gen.low_pass[24, 40]


def test_band_removes_only_the_ring():
    keep = disc_keep_mask((64, 64), 8, band_outer=20)
    np.testing.assert_array_equal(keep, brute_force_low_pass(64, 64, 8, 20))
    assert keep[32, 32] and not keep[32, 32 + 10] and keep[32, 32 + 25]


def test_transform_output_is_packed_into_data_sample():
    from mmpretrain.datasets.transforms import PackInputs
    results = FrequencyMaskGenerator(input_size=32, radius=4)(
        dict(img=np.zeros((32, 32, 3), np.uint8)))
    packed = PackInputs(algorithm_keys=['freq_mask'])(results)
    assert packed['data_samples'].freq_mask.shape == (32, 32)
    assert packed['data_samples'].freq_mask.dtype == torch.bool


@pytest.mark.parametrize('kwargs, option', [
    (dict(radius=0), 'radius'),
    (dict(radius=-3), 'radius'),
    (dict(radius=113), 'radius'),
    (dict(input_size=(64, 200), radius=40), 'radius'),
    (dict(low_pass_prob=-0.1), 'low_pass_prob'),
    (dict(low_pass_prob=1.5), 'low_pass_prob'),
    (dict(low_pass_prob=float('nan')), 'low_pass_prob'),
    (dict(band_outer=16), 'band_outer'),
    (dict(band_outer=10), 'band_outer'),
    (dict(input_size=(1, 224)), 'input_size'),
])
def test_bad_options_raise_value_error_naming_the_option(kwargs, option):
    with pytest.raises(ValueError, match=option):
        FrequencyMaskGenerator(**{'input_size': 224, 'radius': 16, **kwargs})


def test_radius_range_draws_every_radius_from_a_precomputed_table():
    np.random.seed(0)
    gen = FrequencyMaskGenerator(input_size=64, radius=(4, 8), low_pass_prob=1.)
    assert gen.radii == (4, 5, 6, 7, 8) and gen.low_pass.shape == (5, 64, 64)
    for r, mask in zip(gen.radii, gen.low_pass):
        np.testing.assert_array_equal(mask.numpy(), brute_force_low_pass(64, 64, r))
    kept = [int(gen({})['freq_mask'].sum()) for _ in range(500)]
    counts = {int(m.sum()): 0 for m in gen.low_pass}
    for k in kept:
        counts[k] += 1
    assert all(60 <= c <= 140 for c in counts.values()), counts  # uniform: 100 each


def test_band_width_follows_the_drawn_radius_and_high_pass_keeps_only_the_band():
    gen = FrequencyMaskGenerator(input_size=64, radius=(6, 10), band_width=4, low_pass_prob=0.)
    for r, band in zip(gen.radii, gen.high_pass):
        ring = ~brute_force_low_pass(64, 64, r, r + 4)
        np.testing.assert_array_equal(band.numpy(), ring)
        assert not band[32, 32] and band[32, 32 + r] and not band[32, 32 + r + 4]


@pytest.mark.parametrize('kwargs', [
    dict(input_size=224, radius=16),
    dict(input_size=(48, 80), radius=(3, 9), band_outer=20),
    dict(input_size=(31, 64), radius=5, band_width=7),
])
def test_every_mask_is_point_symmetric_in_fft_layout(kwargs):
    # rfft2-based filter and loss are exact only for keep(-u, -v) == keep(u, v)
    from mfm_mm.models.utils import to_fft_layout
    gen = FrequencyMaskGenerator(**kwargs)
    masks = to_fft_layout(gen.masks.flatten(0, 1))  # (2R, H, W)
    mirrored = torch.roll(masks.flip(-2, -1), shifts=(1, 1), dims=(-2, -1))  # (-u, -v) mod N
    assert torch.equal(masks, mirrored)


@pytest.mark.parametrize('kwargs, option', [
    (dict(radius=(0, 8)), 'radius'),
    (dict(radius=(8, 4)), 'radius'),
    (dict(radius=(4.5, 8)), 'radius'),
    (dict(radius=(8, 113)), 'radius'),
    (dict(radius=(8, 20), band_outer=20), 'band_outer'),
    (dict(band_outer=40, band_width=8), 'band_width'),
    (dict(band_width=0), 'band_width'),
])
def test_bad_range_and_band_options_name_the_option(kwargs, option):
    with pytest.raises(ValueError, match=option):
        FrequencyMaskGenerator(**{'input_size': 224, 'radius': 16, **kwargs})
