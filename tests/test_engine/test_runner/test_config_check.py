import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger

from conftest import REPO
from mfm_mm.engine.runner import build_runner, check_config, load_config
from mfm_mm.utils import find_transform

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')


def vit_cfg(data_root: str) -> Config:
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'mfm_vit-b_300e.py'))
    cfg.train_dataloader.dataset.data_root = data_root
    return cfg


def test_real_configs_pass(tiny_imagenet):
    for name in ('mfm_vit-b_800e.py', 'mfm_vit-s_300e.py', 'mfm_resnet50_300e.py'):
        cfg = Config.fromfile(osp.join(REPO, 'configs', name))
        cfg.train_dataloader.dataset.data_root = tiny_imagenet
        check_config(cfg)


def test_missing_data_root_names_the_option(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'train_dataloader.dataset.data_root.*nowhere'):
        check_config(vit_cfg(str(tmp_path / 'nowhere')))


def test_test_phase_checks_only_the_test_loader(tmp_path, tiny_imagenet):
    cfg = vit_cfg(str(tmp_path / 'nowhere'))
    check_config(cfg, phase='test')  # a pre-training config has no test loader


def test_optional_mask_size_must_match_the_crop(tiny_imagenet):
    cfg = vit_cfg(tiny_imagenet)
    find_transform(cfg.train_dataloader.dataset.pipeline, 'FrequencyMaskGenerator').input_size = 192
    with pytest.raises(ValueError, match=r'FrequencyMaskGenerator.input_size \(192, 192\) must '
                                         r'equal the crop size \(224, 224\)'):
        check_config(cfg)


def test_a_radius_that_does_not_fit_the_crop_fails_before_training(tiny_imagenet):
    cfg = vit_cfg(tiny_imagenet)
    pipeline = cfg.train_dataloader.dataset.pipeline
    find_transform(pipeline, 'LoadRandomResizedCrop').scale = 24
    cfg.model.backbone.img_size = 24
    with pytest.raises(ValueError, match=r'pipeline\[2\] \(crop size \(24, 24\)\): '
                                         r'FrequencyMaskGenerator: radius 16 is'):
        check_config(cfg)
    find_transform(pipeline, 'FrequencyMaskGenerator').radius = 1 / 7  # scales with the crop
    check_config(cfg)


def test_backbone_size_must_match_the_crop(tiny_imagenet):
    cfg = vit_cfg(tiny_imagenet)
    cfg.model.backbone.img_size = 192
    with pytest.raises(ValueError, match=r'model.backbone.img_size \(192, 192\)'):
        check_config(cfg)


def test_a_schedule_that_ends_before_the_run_fails_naming_both_options(tiny_imagenet):
    cfg = vit_cfg(tiny_imagenet)
    cfg.train_cfg.max_epochs = 800  # param_scheduler.end stays 300
    with pytest.raises(ValueError, match=r'param_scheduler.end \(300\) ends before '
                                         r'train_cfg.max_epochs \(800\).*param_scheduler.end=800'):
        check_config(cfg)


def test_a_run_that_stops_part_way_through_its_schedule_says_so(tiny_imagenet, tmp_path):
    log = tmp_path / 'run.log'
    MMLogger.get_instance('part_way', log_file=str(log))  # the current logger, as in a run
    cfg = vit_cfg(tiny_imagenet)
    cfg.train_cfg.max_epochs = 100  # param_scheduler.end stays 300
    check_config(cfg)
    assert ('param_scheduler.end (300) is after train_cfg.max_epochs (100): this run stops '
            'part-way through the cosine') in log.read_text()


@pytest.mark.parametrize('options, error, message', [
    ({'train_cfg.max_epochs': 0}, ValueError,
     'train_cfg: max_epochs must be an int in [1, inf), got 0'),
    ({'train_cfg.max_epochs': -3}, ValueError,
     'train_cfg: max_epochs must be an int in [1, inf), got -3'),
    ({'optim_wrapper.optimizer.lr': '1e-3x'}, TypeError,
     "optim_wrapper.optimizer: lr must be a number in [0, inf), got '1e-3x' of type str"),
    ({'param_scheduler.warmup': 'ten'}, TypeError,
     "param_scheduler WarmupCosineLR: warmup must be a number in (-inf, inf), got 'ten'"),
], ids=['max_epochs 0', 'max_epochs -3', 'lr text', 'warmup text'])
def test_nonsense_schedules_fail_at_build_naming_the_option(tiny_imagenet, tmp_path, options,
                                                           error, message):
    cfg = load_config(DEMO, work_dir=str(tmp_path), cfg_options={
        'train_dataloader.dataset.data_root': tiny_imagenet, **options})
    with pytest.raises(error) as raised:
        build_runner(cfg)
    assert str(raised.value).startswith(message)
    assert not (tmp_path / 'last_checkpoint').exists()
