"""Upstream tools on CPU: `--cfg-options optim_wrapper.type=OptimWrapper` works for every
config that trains, keeping the recipe's optimizer, clipping and parameter-wise settings."""
import copy
import os.path as osp

import mmpretrain
import pytest
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import MODELS, DefaultScope

from test_metafiles import INDEXED, load

CPU = {'optim_wrapper.type': 'OptimWrapper'}  # the override the README documents
TRAINED = [config for config in INDEXED if load(config).get('optim_wrapper')]


def test_every_training_config_is_covered():
    assert len(TRAINED) == 40 and len(INDEXED) - len(TRAINED) == 6  # 6 test-only configs


@pytest.mark.parametrize('config', TRAINED)
def test_the_cpu_override_builds_the_recipes_optimizer(config):
    cfg = copy.deepcopy(load(config))
    amp = copy.deepcopy(cfg.optim_wrapper)
    cfg.merge_from_dict(CPU)
    assert {key: value for key, value in cfg.optim_wrapper.items() if key != 'type'} == {
        key: value for key, value in amp.items() if key != 'type'}
    model = copy.deepcopy(cfg.model)
    model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        wrapper = build_optim_wrapper(MODELS.build(model), cfg.optim_wrapper)
    assert type(wrapper) is OptimWrapper
    assert wrapper.optimizer.defaults['lr'] == pytest.approx(cfg.optim_wrapper.optimizer.lr)


def test_mae_baseline_is_mmpretrains_recipe_without_the_default_loss_scale():
    ours = load('configs/famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py').optim_wrapper
    upstream = Config.fromfile(osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'configs',
                                        'mae', 'mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'))
    expected = {key: value for key, value in upstream.optim_wrapper.items()
                if key != 'loss_scale'}
    assert upstream.optim_wrapper.loss_scale == 'dynamic'  # AmpOptimWrapper's default
    # the tokens decay as in MAE's code (tests/test_recipes.py)
    expected['paramwise_cfg']['custom_keys'].update(
        mask_token=dict(decay_mult=1.0), cls_token=dict(decay_mult=1.0))
    assert {key: value for key, value in ours.items() if key != '_scope_'} == {
        key: value for key, value in expected.items() if key != '_scope_'}
