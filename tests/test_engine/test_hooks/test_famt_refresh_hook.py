"""FAMTRefreshHook in a real Runner: refreshed maps, checkpoint round trip, dataset wrappers."""
import os.path as osp

import mmcv
import pytest
import torch
from mmengine.config import Config

from conftest import REPO
from mfm_mm.engine.hooks import FAMTRefreshHook, SafeCheckpointHook
from mfm_mm.engine.runner import build_runner
from mfm_mm.utils import find_transform, merge_by_type

FAMT = osp.join(REPO, 'configs', 'famt', 'famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')


def small_config(data_root: str, work_dir: str, repeat: int = 0) -> Config:
    """The FAMT recipe at 64 px with a DeiT-Tiny encoder: one refresh, then one epoch."""
    cfg = Config.fromfile(FAMT)
    merge_by_type(cfg, {
        'work_dir': work_dir, 'train_dataloader.dataset.data_root': data_root,
        'train_dataloader.batch_size': 8, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'model.backbone.img_size': 64, 'model.backbone.arch': 'deit-tiny',
        'model.neck.num_patches': 16, 'model.neck.embed_dim': 192,
        'model.neck.decoder_embed_dim': 128, 'model.neck.decoder_depth': 2,
        'model.neck.decoder_num_heads': 4, 'custom_hooks.FAMTRefreshHook.warmup_epochs': 0,
        'custom_hooks.FAMTRefreshHook.interval': 10, 'custom_hooks.FAMTRefreshHook.batch_size': 16,
        'custom_hooks.FAMTRefreshHook.num_workers': 0, 'train_cfg.max_epochs': 1,
        'param_scheduler.warmup': 0, 'param_scheduler.end': 1,
        'default_hooks.checkpoint.interval': 1, 'resume': False})
    find_transform(cfg.train_dataloader.dataset.pipeline, 'RandomResizedCropWithBox').scale = 64
    if repeat:
        cfg.train_dataloader.dataset = dict(type='RepeatDataset', times=repeat,
                                            dataset=cfg.train_dataloader.dataset)
    return cfg


def famt_hook(runner) -> FAMTRefreshHook:
    return next(h for h in runner.hooks if isinstance(h, FAMTRefreshHook))


@pytest.fixture(scope='module')
def trained(tiny_imagenet, tmp_path_factory):
    runner = build_runner(small_config(tiny_imagenet, str(tmp_path_factory.mktemp('famt'))))
    runner.train()
    return runner


def test_refresh_gives_maps_in_unit_range_of_the_patch_grid(trained):
    model = trained.model
    assert int(model.refreshed_epoch) == 0 and model.weights_ready
    weights = model.famt_weights.float() / 255
    assert model.famt_weights.dtype == torch.uint8 and weights.shape == (48, 4, 4)
    assert weights.min() >= 0 and weights.max() <= 1
    assert weights.flatten(1).std(1).mean() > 0.1  # real preferences, not uniform maps
    # Refresh again with the trained model, then map 5 by hand: the whole photo at 64 px.
    famt_hook(trained).refresh(trained)
    weights = model.famt_weights.float() / 255
    img = mmcv.imread(trained.train_dataloader.dataset.get_data_info(5)['img_path'])
    img = mmcv.imresize(img, (64, 64), interpolation='bicubic', backend='pillow')
    inputs = model.data_preprocessor(
        dict(inputs=torch.from_numpy(img).permute(2, 0, 1)[None], data_samples=None), False)['inputs']
    model.eval()
    expected = model.sampling_weights(inputs)[0]
    assert (weights[5] - expected).abs().max() <= 0.5 / 255 + 1e-6


def test_maps_survive_a_checkpoint_round_trip(trained, tiny_imagenet, tmp_path):
    trained.save_checkpoint(str(tmp_path), 'ckpt.pth')
    fresh = build_runner(small_config(tiny_imagenet, str(tmp_path / 'fresh')))
    assert fresh.model.famt_weights.shape == (0, 4, 4)
    safe_loading = SafeCheckpointHook()  # what a training run switches on in before_run
    safe_loading.before_run(fresh)
    fresh.load_checkpoint(str(tmp_path / 'ckpt.pth'))
    safe_loading.after_run(fresh)
    famt_hook(fresh).before_train(fresh)
    assert torch.equal(fresh.model.famt_weights, trained.model.famt_weights)
    assert fresh.model.weights_ready
    assert int(fresh.model.refreshed_epoch) == int(trained.model.refreshed_epoch) >= 0


def test_maps_of_a_checkpoint_of_the_old_layout_are_read(tiny_imagenet, tmp_path):
    runner = build_runner(small_config(tiny_imagenet, str(tmp_path)))
    maps = torch.randint(0, 256, (48, 4, 4), dtype=torch.uint8)
    famt_hook(runner).after_load_checkpoint(
        runner, dict(famt_weights=dict(weights=maps, refreshed_epoch=40)))
    famt_hook(runner).before_train(runner)
    assert torch.equal(runner.model.famt_weights, maps) and int(runner.model.refreshed_epoch) == 40


def test_maps_of_another_training_set_are_dropped_with_a_warning(trained, tiny_imagenet,
                                                                 tmp_path):
    trained.save_checkpoint(str(tmp_path), 'ckpt.pth')
    cfg = small_config(tiny_imagenet, str(tmp_path / 'fresh'))
    cfg.train_dataloader.dataset.indices = 16
    fresh = build_runner(cfg)
    safe_loading = SafeCheckpointHook()  # what a training run switches on in before_run
    safe_loading.before_run(fresh)
    fresh.load_checkpoint(str(tmp_path / 'ckpt.pth'))
    safe_loading.after_run(fresh)
    famt_hook(fresh).before_train(fresh)
    assert fresh.model.famt_weights.shape == (16, 4, 4) and not fresh.model.weights_ready
    assert (fresh.model.famt_weights == 255).all()


def test_a_wrapped_training_set_keeps_one_map_per_image(tiny_imagenet, tmp_path):
    runner = build_runner(small_config(tiny_imagenet, str(tmp_path), repeat=2))
    runner.train()  # 96 samples of 48 images: one refresh of 48 maps, then 12 iterations
    assert runner.model.famt_weights.shape == (48, 4, 4) and runner.model.weights_ready
    assert runner.iter == 12
    assert (runner.model.famt_weights.float() / 255).flatten(1).std(1).mean() > 0.1


@pytest.mark.parametrize('options, error, message', [
    (dict(interval=0), ValueError, 'interval'),
    (dict(warmup_epochs=-1), ValueError, 'warmup_epochs'),
    (dict(interval='40'), TypeError, "interval must be an int in \\[1, inf\\), got '40'"),
    (dict(batch_size=2.5), TypeError, 'batch_size'),
    (dict(pipeline='LoadImageFromFile'), TypeError, 'pipeline'),
])
def test_bad_options_are_named(options, error, message):
    with pytest.raises(error, match=message):
        FAMTRefreshHook(**options)


def test_a_model_other_than_famt_is_refused(tiny_imagenet, tmp_path):
    runner = build_runner(small_config(tiny_imagenet, str(tmp_path)))
    runner.model = torch.nn.Linear(1, 1)
    with pytest.raises(ValueError, match='needs model type FAMTMAE, got Linear'):
        famt_hook(runner).before_train(runner)
