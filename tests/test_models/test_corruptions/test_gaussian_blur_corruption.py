import pytest
import torch
import torchvision.transforms.v2.functional as TF

from mfm_mm.models.corruptions import GaussianBlurCorruption
from test_models.test_corruptions.photos import centred_coords, unit_photos, windowed_power


def band_ratios(corrupted, clean, edges):
    """Blurred / clean power in the rings ``edges[i] <= radius < edges[i + 1]``."""
    y, x = centred_coords(clean.shape[-1])
    radius = (y**2 + x**2).float().sqrt()
    blurred, original = windowed_power(corrupted), windowed_power(clean)
    return [((blurred * ring).sum() / (original * ring).sum()).item()
            for ring in ((radius >= lo) & (radius < hi) for lo, hi in zip(edges, edges[1:]))]


def test_attenuates_high_frequencies_more_than_low_ones():
    images = unit_photos(224)
    corrupted, keep = GaussianBlurCorruption(sigma=5, kernel_sizes=(21, ))(images, [])
    assert keep is None
    ratios = band_ratios(corrupted, images, [2, 5, 10, 20, 40, 112])
    assert ratios == sorted(ratios, reverse=True)  # monotone low-pass
    assert ratios[0] > 0.6  # coarse structure kept
    assert ratios[-1] < 1e-3 and ratios[-2] < 1e-3  # gaussian transfer exp(-2 pi^2 s^2 f^2)^2


def test_each_image_gets_one_of_the_kernel_sizes_like_torchvision():
    images = unit_photos(64)
    torch.manual_seed(0)
    corrupted, _ = GaussianBlurCorruption(sigma=5)(images, [])
    sizes = []
    for image, out in zip(images, corrupted):
        errors = {k: (out - TF.gaussian_blur(image, [k, k], [5., 5.])).abs().max().item()
                  for k in range(7, 22, 2)}
        size = min(errors, key=errors.get)
        assert errors[size] < 1e-5
        sizes.append(size)
    assert len(set(sizes)) > 1  # drawn per image


@pytest.mark.parametrize('kwargs, option', [
    (dict(sigma=0), 'sigma'),
    (dict(kernel_sizes=(8, )), 'kernel_sizes'),
    (dict(kernel_sizes=()), 'kernel_sizes'),
])
def test_bad_options(kwargs, option):
    with pytest.raises(ValueError, match=option):
        GaussianBlurCorruption(**kwargs)
