"""The project's model names: every model of model-index.yml, each with its config."""
import os.path as osp

import pytest
import yaml

from conftest import REPO
from mfm_mm.apis import get_config, list_models, model_info


def _metafile_names():
    index = yaml.safe_load(open(osp.join(REPO, 'model-index.yml')))
    return sorted(model['Name'].lower() for path in index['Import']
                  for model in yaml.safe_load(open(osp.join(REPO, path)))['Models'])


def test_list_models_names_every_model_of_the_metafiles():
    assert list_models() == _metafile_names()
    assert list_models('conmim*') == ['conmim_vit-base-p16_8xb256-amp-coslr-300e_in1k',
                                      'conmim_vit-base-p16_8xb256-amp-coslr-800e_in1k',
                                      'conmim_vit-small-p16_8xb256-amp-coslr-300e_in1k']
    assert 'mfm_vit-4l-p7_cpu-demo_28px' in list_models('*cpu-demo*')


def test_model_info_gives_the_config_path():
    info = model_info('MFM_VIT-4L-P7_CPU-DEMO_28PX')
    assert info.config == osp.join(REPO, 'configs', 'demo', 'mfm_vit-4l-p7_cpu-demo_28px.py')
    assert get_config('mfm_vit-4l-p7_cpu-demo_28px').model.backbone.patch_size == 7


def test_an_unknown_name_says_where_the_names_are():
    with pytest.raises(ValueError, match=r"no mfm_mm model is named 'mfm_vit-xl'.*list_models"):
        model_info('mfm_vit-xl')
