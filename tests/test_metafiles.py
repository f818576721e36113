"""The model index: every metafile config exists and builds, every config is indexed."""
import copy
import functools
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope
from modelindex.load_model_index import load as load_index

from conftest import REPO

INDEX = load_index(osp.join(REPO, 'model-index.yml'))
INDEXED = sorted({model.config for model in INDEX.models})
SOURCE = re.compile(r'\((paper|measured)\)$')


@functools.lru_cache(maxsize=None)
def load(config: str) -> Config:
    """The config at a repository-relative path, parsed once per session."""
    return Config.fromfile(osp.join(REPO, config))


def test_index_is_valid_and_names_are_unique():
    # README paths are repository-relative (OpenMMLab's convention, what mim shows), while
    # modelindex's check resolves them from the metafile's folder: checked here instead
    assert [e for e in INDEX.check(silent=True) if 'Path to README file' not in e] == []
    for collection in INDEX.collections:
        assert osp.isfile(osp.join(REPO, collection.readme)), collection.readme
    names = [model.name for model in INDEX.models]
    assert len(names) == len(set(names)) == 46
    assert {c.name for c in INDEX.collections} == {
        'MFM', 'MFM restoration pretexts', 'MFM plug-ins', 'ConMIM', 'FAMT', 'MFM benchmarks',
        'MFM robustness'}


def test_every_config_under_configs_is_indexed():
    configs = {osp.relpath(path, REPO) for path in glob.glob(
        osp.join(REPO, 'configs', '**', '*.py'), recursive=True) if '/_base_/' not in path}
    missing = sorted(configs - set(INDEXED))
    assert not missing, ('configs in no metafile (add each as a Model to its folder\'s '
                         'metafile.yml, listed in model-index.yml):\n  ' + '\n  '.join(missing))


@pytest.mark.parametrize('config', INDEXED)
def test_indexed_config_exists_and_builds(config):
    path = osp.join(REPO, config)
    assert osp.isfile(path), f'{config} is named in a metafile but does not exist'
    cfg = load(config)
    model = copy.deepcopy(cfg.model)
    model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        built = MODELS.build(model)
    assert sum(p.numel() for p in built.parameters()) > 5e5  # the 28 px demo ViT: 0.82M


def test_results_say_where_they_come_from():
    for model in INDEX.models:
        metrics = [name for result in model.results or [] for name in result.metrics]
        assert all(SOURCE.search(name) for name in metrics), (model.name, metrics)
        if any(name.endswith('(measured)') for name in metrics):
            assert model.data.get('Measured With'), model.name


def test_result_fields_fit_mim_search_at_its_default_width():
    # `mim search` prints "<dataset>/<metric>" padded to the longest field + 2, then the value,
    # cut to 80 columns: fields of up to 44 characters leave 34 for the values
    fields = {f'{result.dataset}/{name}' for model in INDEX.models
              for result in model.results or [] for name in result.metrics}
    assert max(map(len, fields)) <= 44, sorted(fields, key=len)[-3:]


def test_paper_numbers():
    top1 = {model.config: metrics['Top 1 Accuracy (paper)'] for model in INDEX.models
            for metrics in (r.metrics for r in model.results or [])
            if 'Top 1 Accuracy (paper)' in metrics}
    assert top1 == {
        'configs/mfm_vit-b_300e.py': 83.1, 'configs/mfm_resnet50_300e.py': 78.5,
        'configs/mfm_pretexts/sr_vit-b_300e.py': 82.4,
        'configs/mfm_pretexts/deblur_vit-b_300e.py': 81.7,
        'configs/mfm_pretexts/denoise_vit-b_300e.py': 82.7,
        'configs/mfm_pretexts/sr_resnet50_300e.py': 77.9,
        'configs/mfm_pretexts/deblur_resnet50_300e.py': 78.0,
        'configs/mfm_pretexts/denoise_resnet50_300e.py': 77.5,
        'configs/conmim/conmim_vit-s_300e.py': 82.0, 'configs/conmim/conmim_vit-b_300e.py': 83.5,
        'configs/conmim/conmim_vit-b_800e.py': 83.7}


def test_epochs_and_batch_match_the_configs():
    for model in INDEX.models:
        cfg = load(model.config)
        train_cfg, loader = cfg.get('train_cfg') or {}, cfg.get('train_dataloader') or {}
        if train_cfg.get('max_epochs'):
            assert model.metadata.epochs == train_cfg.max_epochs, model.name
        if model.metadata.batch_size != 'n/a':  # total batch: GPUs ("8xb256", else 8) x batch
            gpus = re.search(r'(\d+)xb', model.config)
            one_process = 'configs/demo/' in model.config or 'cpu-demo' in model.config
            gpus = 1 if one_process else int(gpus.group(1)) if gpus else 8
            assert model.metadata.batch_size == gpus * loader.batch_size, model.name
