import numpy as np
import pytest
import torch

from mfm_mm.datasets.transforms import FrequencyMaskGenerator


def brute_force_low_pass(h, w, r1, r2=None):
    keep = np.zeros((h, w), bool)
    for y in range(h):
        for x in range(w):
            d2 = (x - w // 2)**2 + (y - h // 2)**2
            keep[y, x] = d2 < r1**2 or (r2 is not None and d2 >= r2**2)
    return keep


def image(h, w=None):
    return dict(img=np.zeros((h, h if w is None else w, 3), np.uint8))


@pytest.mark.parametrize('radius', [16, 1 / 7])
def test_radius_16_at_224_keeps_793_bins_in_bins_or_as_fraction(radius):
    gen = FrequencyMaskGenerator(radius=radius)
    low, high = gen.masks((224, 224))[:, 0]
    assert int(low.sum()) == 793
    assert int(high.sum()) == 224 * 224 - 793
    assert low[112, 112] and not high[112, 112]  # DC at (H//2, W//2)


def test_fraction_scales_with_the_image_and_bins_do_not():
    fraction = FrequencyMaskGenerator(radius=1 / 7, low_pass_prob=1.)
    fixed = FrequencyMaskGenerator(radius=9, low_pass_prob=1.)
    np.testing.assert_array_equal(fraction(image(128))['freq_mask'].numpy(),
                                  brute_force_low_pass(128, 128, 64 / 7))
    np.testing.assert_array_equal(fixed(image(128))['freq_mask'].numpy(),
                                  brute_force_low_pass(128, 128, 9))


def test_size_comes_from_the_image_and_masks_are_cached_per_size():
    gen = FrequencyMaskGenerator(radius=4, low_pass_prob=1.)
    small, wide = gen(image(32))['freq_mask'], gen(image(32, 48))['freq_mask']
    assert small.shape == (32, 32) and wide.shape == (32, 48)
    np.testing.assert_array_equal(wide.numpy(), brute_force_low_pass(32, 48, 4))
    assert gen(image(32))['freq_mask'].data_ptr() == small.data_ptr()  # same cached table
    assert sorted(gen._tables) == [(32, 32), (32, 48)]


def test_input_size_is_an_optional_check_naming_the_option():
    gen = FrequencyMaskGenerator(radius=4, input_size=32)
    assert gen(image(32))['freq_mask'].shape == (32, 32)
    with pytest.raises(ValueError, match=r'input_size is \(32, 32\) but the image is \(40, 40\)'):
        gen(image(40))


def test_low_and_high_pass_sum_to_one():
    gen = FrequencyMaskGenerator(radius=16)
    low, high = gen.masks((224, 224))[:, 0]
    total = low.int() + high.int()
    assert torch.equal(total, torch.ones(224, 224, dtype=torch.int32))


def test_low_pass_frequency_matches_probability():
    np.random.seed(0)
    gen = FrequencyMaskGenerator(radius=4, low_pass_prob=0.3)
    draws = [bool(gen(image(32))['freq_mask'][16, 16]) for _ in range(4000)]
    assert abs(np.mean(draws) - 0.3) < 0.03  # 4 binomial standard deviations


@pytest.mark.parametrize('prob', [0.0, 1.0])
def test_probability_endpoints(prob):
    gen = FrequencyMaskGenerator(radius=3, low_pass_prob=prob)
    expected = gen.masks((16, 16))[0 if prob == 1.0 else 1, 0]
    assert all(torch.equal(gen(image(16))['freq_mask'], expected) for _ in range(20))


def test_non_square_input_matches_brute_force():
    gen = FrequencyMaskGenerator(radius=10)
    low = gen.masks((48, 80))[0, 0]
    assert low.shape == (48, 80)
    np.testing.assert_array_equal(low.numpy(), brute_force_low_pass(48, 80, 10))
    assert low[24, 40]


def test_band_removes_only_the_ring():
    keep, band = FrequencyMaskGenerator(radius=8, band_outer=20).masks((64, 64))[:, 0]
    np.testing.assert_array_equal(keep.numpy(), brute_force_low_pass(64, 64, 8, 20))
    assert keep[32, 32] and not keep[32, 32 + 10] and keep[32, 32 + 25]
    assert torch.equal(band, ~keep)


def test_transform_output_is_packed_into_data_sample():
    from mmpretrain.datasets.transforms import PackInputs
    results = FrequencyMaskGenerator(radius=4)(image(32))
    packed = PackInputs(algorithm_keys=['freq_mask'])(results)
    assert packed['data_samples'].freq_mask.shape == (32, 32)
    assert packed['data_samples'].freq_mask.dtype == torch.bool


@pytest.mark.parametrize('kwargs, option', [
    (dict(radius=0), 'radius'),
    (dict(radius=-3), 'radius'),
    (dict(radius=113), 'radius'),
    (dict(radius=1.5), 'radius'),
    (dict(radius=0.), 'radius'),
    (dict(input_size=(64, 200), radius=40), 'radius'),
    (dict(low_pass_prob=-0.1), 'low_pass_prob'),
    (dict(low_pass_prob=1.5), 'low_pass_prob'),
    (dict(low_pass_prob=float('nan')), 'low_pass_prob'),
    (dict(band_outer=16), 'band_outer'),
    (dict(band_outer=10), 'band_outer'),
    (dict(input_size=(1, 224)), 'input_size'),
    (dict(input_size=(224, 224, 3)), 'input_size'),
])
def test_bad_options_raise_value_error_naming_the_option(kwargs, option):
    with pytest.raises(ValueError, match=option):
        FrequencyMaskGenerator(**{'input_size': 224, 'radius': 16, **kwargs})


@pytest.mark.parametrize('kwargs, message', [
    (dict(radius='16'), r"radius .*an int counts frequency bins; a float in \(0, 1\] is a "
     r"fraction.*got '16' of type str"),
    (dict(radius=True), 'radius .*got True of type bool'),
    (dict(radius=None), 'radius .*of type NoneType'),
    (dict(radius=(4, 8.)), 'radius range must be .*two ints or two floats'),
    (dict(band_outer='48'), "band_outer .*got '48' of type str"),
    (dict(low_pass_prob='0.5'), r"low_pass_prob must be a number in \[0.0, 1.0\], got '0.5'"),
    (dict(input_size='224'), "input_size must be an int in .*got '224' of type str"),
])
def test_wrong_types_raise_type_error_naming_the_option_and_the_expected_type(kwargs, message):
    with pytest.raises(TypeError, match=message):
        FrequencyMaskGenerator(**kwargs)


def test_radius_range_draws_every_radius_from_a_precomputed_table():
    np.random.seed(0)
    gen = FrequencyMaskGenerator(input_size=64, radius=(4, 8), low_pass_prob=1.)
    low = gen.masks((64, 64))[0]
    assert gen.radii((64, 64)) == (4, 5, 6, 7, 8) and low.shape == (5, 64, 64)
    for r, mask in zip(gen.radii((64, 64)), low):
        np.testing.assert_array_equal(mask.numpy(), brute_force_low_pass(64, 64, r))
    kept = [int(gen(image(64))['freq_mask'].sum()) for _ in range(500)]
    counts = {int(m.sum()): 0 for m in low}
    for k in kept:
        counts[k] += 1
    assert all(60 <= c <= 140 for c in counts.values()), counts  # uniform: 100 each


def test_fraction_range_is_rounded_to_bins_at_the_image_size():
    gen = FrequencyMaskGenerator(radius=(1 / 14, 2 / 7))  # 8..32 bins at 224, 4..16 at 112
    assert gen.radii((224, 224)) == tuple(range(8, 33))
    assert gen.radii((112, 112)) == tuple(range(4, 17))


def test_band_width_follows_the_drawn_radius_and_high_pass_keeps_only_the_band():
    gen = FrequencyMaskGenerator(input_size=64, radius=(6, 10), band_width=4, low_pass_prob=0.)
    for r, band in zip(gen.radii((64, 64)), gen.masks((64, 64))[1]):
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
    masks = to_fft_layout(gen.masks(gen.input_size).flatten(0, 1))  # (2R, H, W)
    mirrored = torch.roll(masks.flip(-2, -1), shifts=(1, 1), dims=(-2, -1))  # (-u, -v) mod N
    assert torch.equal(masks, mirrored)


@pytest.mark.parametrize('kwargs, option', [
    (dict(radius=(0, 8)), 'radius'),
    (dict(radius=(8, 4)), 'radius'),
    (dict(radius=(8, 113)), 'radius'),
    (dict(radius=(8, 20), band_outer=20), 'band_outer'),
    (dict(band_outer=40, band_width=8), 'band_width'),
    (dict(band_width=0), 'band_width'),
])
def test_bad_range_and_band_options_name_the_option(kwargs, option):
    with pytest.raises(ValueError, match=option):
        FrequencyMaskGenerator(**{'input_size': 224, 'radius': 16, **kwargs})


def test_a_radius_too_large_for_the_image_is_named_at_the_first_image():
    gen = FrequencyMaskGenerator(radius=16)
    with pytest.raises(ValueError, match=r'radius 16 is \(16,\) bins for images of size'):
        gen(image(24))
