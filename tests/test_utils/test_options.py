"""Every option of the project's transforms and models names itself and its expected type."""
import math

import pytest
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS, TRANSFORMS

from mfm_mm.utils import check_choice, check_number


def test_check_number_accepts_the_interval_and_its_closed_ends():
    check_number('X', 'p', 0, low=0., high=1.)
    check_number('X', 'p', 1., low=0., high=1.)
    check_number('X', 'n', 3, integer=True, low=1)
    for value, kwargs in ((0., dict(low=0., low_closed=False)), (1., dict(high=1., high_closed=False)),
                          (math.nan, {}), (-1, dict(low=0.))):
        with pytest.raises(ValueError, match=r'X: p must be a number in'):
            check_number('X', 'p', value, **kwargs)


@pytest.mark.parametrize('value', ['1', None, True, [1], 1.5])
def test_check_number_refuses_other_types_naming_the_type(value):
    with pytest.raises(TypeError, match=rf'X: n must be an int in \[1, inf\), got .* of type '
                                        rf'{type(value).__name__}'):
        check_number('X', 'n', value, integer=True, low=1)


def test_check_choice_lists_the_choices():
    check_choice('X', 'mode', 'a', ('a', 'b'))
    for value in ('c', ['a'], 1):
        with pytest.raises(ValueError, match=r"X: mode must be one of \('a', 'b'\)"):
            check_choice('X', 'mode', value, ('a', 'b'))


@pytest.mark.parametrize('registry, cfg, option', [
    (TRANSFORMS, dict(type='FrequencyMaskGenerator', radius='16'), 'radius'),
    (TRANSFORMS, dict(type='FrequencyMaskGenerator', low_pass_prob='0.5'), 'low_pass_prob'),
    (TRANSFORMS, dict(type='SafeLoadImageFromFile', skip_unreadable='no'), 'skip_unreadable'),
    (MODELS, dict(type='GaussianBlurCorruption', sigma='5'), 'sigma'),
    (MODELS, dict(type='GaussianBlurCorruption', kernel_sizes=(7, '9')), 'kernel_sizes'),
    (MODELS, dict(type='GaussianBlurCorruption', kernel_sizes=7), 'kernel_sizes'),
    (MODELS, dict(type='GaussianNoiseCorruption', sigma='0.3'), 'sigma'),
    (MODELS, dict(type='SuperResolutionCorruption', scale=8.), 'scale'),
    (MODELS, dict(type='FrequencyLoss', gamma='1'), 'gamma'),
    (MODELS, dict(type='PatchInfoNCELoss', temperature='0.1'), 'temperature'),
])
def test_a_string_option_names_the_option_not_a_comparison(registry, cfg, option):
    init_default_scope('mmpretrain')
    with pytest.raises(TypeError, match=rf'{cfg["type"]}: {option} .*got'):
        registry.build(cfg)


def test_conmim_momentum_names_the_option():
    from mfm_mm.models.algorithms.conmim import ConMIM
    with pytest.raises(TypeError, match="ConMIM: momentum must be a number in .*got '0.996'"):
        ConMIM(backbone={}, neck={}, head={}, momentum='0.996')
