import pytest

from mfm_mm.models.corruptions import GaussianBlurCorruption, build_corruption


def test_builds_a_corruption_with_its_options():
    blur = build_corruption(dict(type='GaussianBlurCorruption', sigma=3, kernel_sizes=(9, )))
    assert isinstance(blur, GaussianBlurCorruption) and blur.sigma == 3


@pytest.mark.parametrize('cfg', [dict(type='Sharpen'), dict(type='FrequencyLoss'), 'deblur',
                                 'GaussianBlurCorruption'])
def test_unknown_names_list_every_registered_corruption(cfg):
    with pytest.raises(ValueError, match=(
            'allowed: FrequencyMaskCorruption, GaussianBlurCorruption, '
            'GaussianNoiseCorruption, SuperResolutionCorruption$')):
        build_corruption(cfg)
