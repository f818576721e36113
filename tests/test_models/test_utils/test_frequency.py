import numpy as np
import pytest
import torch

from types import SimpleNamespace

from mmpretrain.structures import DataSample

from conftest import CPU_AUTOCAST_DTYPES
from mfm_mm.models.corruptions import FrequencyMaskCorruption
from mfm_mm.models.utils import (check_radius, disc_keep_mask, frequency_filter,
                                 hermitian_weights, radius_in_bins, to_fft_layout)

MEAN = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
STD = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)


def corrupt(normalised: torch.Tensor, shifted_masks) -> torch.Tensor:
    """MFM's corruption of normalised images, as the model runs it."""
    samples = []
    for mask in shifted_masks:
        sample = DataSample()
        sample.set_field(mask, 'freq_mask')
        samples.append(sample)
    preprocessor = SimpleNamespace(_enable_normalize=True, mean=MEAN, std=STD)
    return FrequencyMaskCorruption().corrupt(normalised, samples, preprocessor)[0]


@pytest.fixture
def photo() -> torch.Tensor:
    """Two 64 x 64 crops of a real photo in [0, 1], (2, 3, 64, 64)."""
    from skimage import data
    img = torch.from_numpy(data.astronaut()[::4, ::4][:64, 32:96].copy()).float() / 255.
    img = img.permute(2, 0, 1)
    return torch.stack([img, img.flip(-1)])


def keep_masks(size=64, radius=6):
    low = torch.from_numpy(disc_keep_mask((size, size), radius))
    return low, ~low


def test_radius_fraction_scales_with_the_size_and_bins_do_not():
    assert radius_in_bins(1 / 7, (128, 128)) == pytest.approx(64 / 7)
    assert radius_in_bins(1 / 7, (224, 224)) == pytest.approx(16)
    assert radius_in_bins(16, (128, 128)) == 16
    assert radius_in_bins(0.5, (48, 80)) == 12  # half of the shorter side's half


@pytest.mark.parametrize('radius, error', [
    (0, ValueError), (1.5, ValueError), (0., ValueError), ('16', TypeError), (None, TypeError)])
def test_check_radius_names_the_owner_and_the_option(radius, error):
    with pytest.raises(error, match='Owner: cutoff'):
        check_radius('Owner', 'cutoff', radius)


@pytest.mark.parametrize('size', [(64, 64), (31, 48)])
def test_disc_keep_mask_keeps_the_disc_and_outside_the_band(size):
    h, w = size
    y, x = np.meshgrid(np.arange(h) - h // 2, np.arange(w) - w // 2, indexing='ij')
    dist2 = y**2 + x**2  # DC at (H // 2, W // 2)
    np.testing.assert_array_equal(disc_keep_mask(size, 8), dist2 < 64)
    band = disc_keep_mask(size, 8, band_outer=12)
    np.testing.assert_array_equal(band, (dist2 < 64) | (dist2 >= 144))
    assert band[h // 2, w // 2] and not band[h // 2, w // 2 + 10]
    assert int(disc_keep_mask((224, 224), 16).sum()) == 793  # the paper's mask at 224 px


def test_hermitian_weights_count_each_mirrored_column_twice():
    assert hermitian_weights(8).tolist() == [1., 2., 2., 2., 1.]
    assert hermitian_weights(7).tolist() == [1., 2., 2., 2.]


def test_matches_spec_formula_with_shifted_spectrum(photo):
    low, _ = keep_masks()
    spec = np.fft.fftshift(np.fft.fft2(photo.numpy()), axes=(-2, -1)) * low.numpy()
    reference = np.fft.ifft2(np.fft.ifftshift(spec, axes=(-2, -1))).real
    keep = to_fft_layout(torch.stack([low, low]))
    np.testing.assert_allclose(frequency_filter(photo, keep).numpy(), reference, atol=1e-5)


def test_low_and_high_pass_add_back_to_the_image(photo):
    low, high = keep_masks()
    low_part = frequency_filter(photo, to_fft_layout(torch.stack([low, low])))
    high_part = frequency_filter(photo, to_fft_layout(torch.stack([high, high])))
    torch.testing.assert_close(low_part + high_part, photo, atol=1e-5, rtol=0)
    assert low_part.abs().sum() > 0 and high_part.abs().sum() > 0


def test_all_ones_mask_is_identity(photo):
    normalised = (photo * 255. - MEAN) / STD
    keep = torch.ones(2, 64, 64, dtype=torch.bool)
    torch.testing.assert_close(corrupt(normalised, keep), normalised, atol=1e-4, rtol=0)


def test_output_in_valid_range_and_changed(photo):
    normalised = (photo * 255. - MEAN) / STD
    low, high = keep_masks()
    keep = to_fft_layout(torch.stack([low, high]))
    out = corrupt(normalised, [low, high])
    unit = (out * STD + MEAN) / 255.
    assert unit.min() >= -1e-6 and unit.max() <= 1 + 1e-6
    assert (out - normalised).abs().mean() > 0.1
    high_only = frequency_filter(photo[1:], keep[1:])
    assert high_only.min() < 0  # clamping is needed: the high-pass image has no DC


def test_mask_of_wrong_size_names_input_size(photo):
    with pytest.raises(ValueError, match='input_size'):
        frequency_filter(photo, torch.ones(2, 32, 32))


@pytest.mark.parametrize('size', [(63, 50), (32, 48)])
def test_half_spectrum_filter_matches_full_spectrum_on_any_size(size):
    torch.manual_seed(0)
    images = torch.rand(2, 3, *size)
    low = torch.from_numpy(disc_keep_mask(size, 5))
    keep = to_fft_layout(torch.stack([low, ~low]))
    full = torch.fft.ifft2(torch.fft.fft2(images) * keep[:, None]).real
    torch.testing.assert_close(frequency_filter(images, keep), full, atol=1e-5, rtol=0)


@pytest.mark.parametrize('dtype', CPU_AUTOCAST_DTYPES)
def test_corruption_runs_in_float32_under_autocast(photo, dtype):
    normalised = (photo * 255. - MEAN) / STD
    low, high = keep_masks()
    reference = corrupt(normalised, [low, high])
    with torch.autocast('cpu', dtype=dtype):
        out = corrupt(normalised, [low, high])
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, reference)
