import pytest
import torch

from mfm_mm.models.corruptions import SuperResolutionCorruption
from test_models.test_corruptions.photos import centred_coords, unit_photos, windowed_power


def test_no_energy_above_the_low_resolution_nyquist_band_beyond_leakage():
    images = unit_photos(224)
    corrupted, keep = SuperResolutionCorruption(scale=8)(images, [])
    assert keep is None and corrupted.shape == images.shape
    y, x = centred_coords(224)
    above = torch.maximum(y.abs(), x.abs()) > 224 // 16  # beyond the 28 px grid's Nyquist (14)

    def fraction_above(batch):
        power = windowed_power(batch)
        return ((power * above).sum() / power.sum()).item()

    assert fraction_above(images) > 0.1  # the photos have real high-frequency content
    assert fraction_above(corrupted) < 0.005  # only bicubic interpolation leakage is left
    # and what is below Nyquist survives: the low-pass content matches the clean image
    inner = (y.abs() <= 4) & (x.abs() <= 4)
    ratio = (windowed_power(corrupted) * inner).sum() / (windowed_power(images) * inner).sum()
    assert ratio.item() == pytest.approx(1., abs=0.05)


def test_output_is_clamped_and_matches_bicubic_resampling():
    images = unit_photos(64)
    corrupted, _ = SuperResolutionCorruption(scale=8)(images, [])
    assert corrupted.min() >= 0 and corrupted.max() <= 1
    low = torch.nn.functional.interpolate(images, size=(8, 8), mode='bicubic', antialias=True)
    expected = torch.nn.functional.interpolate(low, size=(64, 64), mode='bicubic').clamp(0, 1)
    torch.testing.assert_close(corrupted, expected)


@pytest.mark.parametrize('scale, error', [(1, ValueError), (2.5, TypeError)])
def test_bad_scale(scale, error):
    with pytest.raises(error, match=r'scale must be an int in \[2, inf\)'):
        SuperResolutionCorruption(scale=scale)


def test_size_not_multiple_of_scale():
    with pytest.raises(ValueError, match='multiple of scale 8'):
        SuperResolutionCorruption(scale=8)(torch.rand(1, 3, 60, 60), [])
