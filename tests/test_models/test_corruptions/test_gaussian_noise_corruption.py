import pytest
import torch

from mfm_mm.models.corruptions import GaussianNoiseCorruption
from test_models.test_corruptions.photos import unit_photos


def test_noise_has_the_requested_sigma_per_channel_and_is_not_clipped():
    images = unit_photos(224)
    torch.manual_seed(0)
    corrupted, keep = GaussianNoiseCorruption(sigma=75 / 255)(images, [])
    assert keep is None
    noise = corrupted - images
    # 6 x 224 x 224 samples per channel: the std estimate is within 0.3% of sigma
    for std in noise.std(dim=(0, 2, 3)):
        assert std.item() == pytest.approx(75 / 255, rel=0.01)
    assert abs(noise.mean().item()) < 2e-3
    assert corrupted.min() < -0.5 and corrupted.max() > 1.5  # not clipped
    # independent per channel: the channels' noises are uncorrelated
    flat = noise.transpose(0, 1).reshape(3, -1)
    assert torch.corrcoef(flat)[0, 1].abs() < 0.01


def test_bad_sigma():
    with pytest.raises(ValueError, match='sigma'):
        GaussianNoiseCorruption(sigma=-1)
