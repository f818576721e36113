import pytest

from mfm_mm.models.corruptions import (GaussianBlurCorruption, build_corruption,
                                       registered_corruptions)


def test_lists_the_registered_corruptions():
    assert registered_corruptions() == [
        'FrequencyMaskCorruption', 'GaussianBlurCorruption', 'GaussianNoiseCorruption',
        'SuperResolutionCorruption'
    ]


def test_builds_a_corruption_with_its_options():
    blur = build_corruption(dict(type='GaussianBlurCorruption', sigma=3, kernel_sizes=(9, )))
    assert isinstance(blur, GaussianBlurCorruption) and blur.sigma == 3


@pytest.mark.parametrize('cfg', [dict(type='Sharpen'), dict(type='MFMHead'), 'deblur'])
def test_unknown_names_list_the_allowed_ones(cfg):
    with pytest.raises(ValueError, match='allowed: FrequencyMaskCorruption, GaussianBlur'):
        build_corruption(cfg)
