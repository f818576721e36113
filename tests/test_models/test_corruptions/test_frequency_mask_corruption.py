import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mfm_mm.datasets.transforms import FrequencyMaskGenerator
from mfm_mm.models.corruptions import FrequencyMaskCorruption
from mfm_mm.models.utils import frequency_filter, to_fft_layout
from test_models.test_corruptions.photos import centred_coords, unit_photos


def samples_with(masks):
    samples = []
    for mask in masks:
        sample = DataSample()
        sample.set_field(mask, 'freq_mask')
        samples.append(sample)
    return samples


def test_band_pass_keeps_only_the_band():
    images = unit_photos(224)
    gen = FrequencyMaskGenerator(radius=16, band_outer=48, low_pass_prob=0.)
    masks = [gen(dict(img=np.zeros((224, 224, 3), np.uint8)))['freq_mask'] for _ in images]
    corrupted, keep = FrequencyMaskCorruption()(images, samples_with(masks))
    # before the clamp, the spectrum is the clean one inside the band and zero outside it
    band = frequency_filter(images, keep)
    spectrum = torch.fft.fftshift(torch.fft.fft2(band), dim=(-2, -1))
    clean = torch.fft.fftshift(torch.fft.fft2(images), dim=(-2, -1))
    y, x = centred_coords(224)
    ring = ((y**2 + x**2) >= 16**2) & ((y**2 + x**2) < 48**2)
    assert torch.equal(masks[0], ring)
    peak = clean.abs().max()
    assert spectrum[..., ~ring].abs().max() < 1e-6 * peak  # float32 round-off
    assert (spectrum[..., ring] - clean[..., ring]).abs().max() < 1e-6 * peak
    # MFM then clamps to the image range
    torch.testing.assert_close(corrupted, band.clamp(0, 1))


def test_low_pass_mask_in_fft_layout_and_clean_when_all_kept():
    images = unit_photos(32)
    masks = [torch.ones(32, 32, dtype=torch.bool)] * len(images)
    corrupted, keep = FrequencyMaskCorruption()(images, samples_with(masks))
    assert keep.shape == (6, 32, 32) and keep.all()
    torch.testing.assert_close(corrupted, images, atol=1e-5, rtol=0)
    gen = FrequencyMaskGenerator(radius=4, low_pass_prob=1.)
    mask = gen(dict(img=np.zeros((32, 32, 3), np.uint8)))['freq_mask']
    _, keep = FrequencyMaskCorruption()(images, samples_with([mask] * 6))
    assert torch.equal(keep[0], to_fft_layout(gen.masks((32, 32))[0, 0])) and keep[0, 0, 0]


def test_missing_mask_names_the_transform():
    with pytest.raises(ValueError, match='FrequencyMaskGenerator'):
        FrequencyMaskCorruption()(torch.rand(1, 3, 8, 8), [DataSample()])
