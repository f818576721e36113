"""FAMT's weight pieces: min-max normalisation, low-pass patch response, fusion."""
import pytest
import torch

from mfm_mm.models.utils.famt_weights import fuse_weights, lowpass_patch_response, minmax_normalise


def test_minmax_normalise_per_map():
    maps = torch.tensor([[[1., 3.], [2., 5.]], [[7., 7.], [7., 7.]]])
    out = minmax_normalise(maps)
    assert torch.allclose(out[0], torch.tensor([[0., 0.5], [0.25, 1.]]))
    assert (out[1] == 0).all()  # a constant map carries no preference


def test_lowpass_response_marks_a_large_object_not_flat_background_or_fine_texture():
    images = torch.zeros(1, 3, 64, 64)
    images[:, :, 16:32, 16:32] = 1.  # a 16 x 16 object = one patch at (1, 1)
    texture = torch.zeros(1, 3, 64, 64)
    texture[:, :, :, ::2] = 1.  # stripes at Nyquist in every patch
    response = lowpass_patch_response(torch.cat([images, texture]), 16, cutoff=1 / 7)
    assert response.shape == (2, 4, 4)
    assert response[0, 1, 1] == 1.  # the object is the strongest patch
    assert response[0, 3, 3] < 0.3  # far background
    assert (response[1] == 0).all()  # texture above the cutoff: no preference
    assert torch.equal(lowpass_patch_response(torch.full((1, 3, 32, 32), 0.7), 16, 0.5),
                       torch.zeros(1, 2, 2))  # flat image: only DC, which is removed


def test_lowpass_response_rejects_a_bad_cutoff():
    with pytest.raises(ValueError, match='cutoff'):
        lowpass_patch_response(torch.zeros(1, 3, 32, 32), 16, cutoff=0.)


def test_cutoff_in_bins_equals_the_same_cutoff_as_a_fraction():
    torch.manual_seed(0)
    images = torch.rand(2, 3, 64, 64)
    # 1/7 of the half size 32 is 4.57 bins: the bins below it are those below 5 (d^2 <= 20)
    assert torch.equal(lowpass_patch_response(images, 16, cutoff=1 / 7),
                       lowpass_patch_response(images, 16, cutoff=5))
    assert not torch.equal(lowpass_patch_response(images, 16, cutoff=1 / 7),
                           lowpass_patch_response(images, 16, cutoff=3))


def test_fusions():
    attention, frequency = torch.tensor([[[1., 0.], [0.5, 0.2]]]), torch.tensor([[[0., 0.], [1., 1.]]])
    assert torch.allclose(fuse_weights(attention, frequency, 'sum', 0.25),
                          torch.tensor([[[0.75, 0.], [0.625, 0.4]]]))
    assert torch.allclose(fuse_weights(attention, frequency, 'product'),
                          torch.tensor([[[0., 0.], [0.5, 0.2]]]))
    with pytest.raises(ValueError, match='fusion'):
        fuse_weights(attention, frequency, 'max')
