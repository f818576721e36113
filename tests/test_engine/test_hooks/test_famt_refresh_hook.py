"""FAMTRefreshHook in a real Runner: refreshed maps, checkpoint round trip, shared memory."""
import os.path as osp

import mmcv
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS
from torch.utils.data import DataLoader

from conftest import REPO
from mfm_mm.engine.hooks import FAMTRefreshHook
from mfm_mm.utils import build_runner

FAMT = osp.join(REPO, 'configs', 'famt', 'famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')


def small_config(data_root: str, work_dir: str) -> Config:
    """The FAMT recipe at 64 px with a DeiT-Tiny encoder: one refresh, then one epoch."""
    cfg = Config.fromfile(FAMT)
    cfg.merge_from_dict({
        'work_dir': work_dir, 'train_dataloader.dataset.data_root': data_root,
        'train_dataloader.batch_size': 8, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.pipeline.1.scale': 64,
        'train_dataloader.dataset.pipeline.3.grid_size': 4,
        'model.backbone.img_size': 64, 'model.backbone.arch': 'deit-tiny',
        'model.neck.num_patches': 16, 'model.neck.embed_dim': 192,
        'model.neck.decoder_embed_dim': 128, 'model.neck.decoder_depth': 2,
        'model.neck.decoder_num_heads': 4, 'custom_hooks.0.warmup_epochs': 0,
        'custom_hooks.0.interval': 10, 'custom_hooks.0.batch_size': 16,
        'custom_hooks.0.num_workers': 0, 'train_cfg.max_epochs': 1,
        'param_scheduler.0.end': 1, 'param_scheduler.1.begin': 1,
        'param_scheduler.1.end': 2, 'param_scheduler.1.T_max': 1,
        'default_hooks.checkpoint.interval': 1, 'resume': False})
    return cfg


def famt_hook(runner) -> FAMTRefreshHook:
    return next(h for h in runner.hooks if isinstance(h, FAMTRefreshHook))


@pytest.fixture(scope='module')
def trained(tiny_imagenet, tmp_path_factory):
    runner = build_runner(small_config(tiny_imagenet, str(tmp_path_factory.mktemp('famt'))))
    runner.train()
    return runner


def test_refresh_gives_maps_in_unit_range_of_the_patch_grid(trained):
    hook, model = famt_hook(trained), trained.model
    assert hook.refreshed_epoch == 0 and model.weights_ready
    weights = hook.store.float() / 255
    assert hook.store.dtype == torch.uint8 and weights.shape == (48, 4, 4)
    assert weights.min() >= 0 and weights.max() <= 1
    assert weights.flatten(1).std(1).mean() > 0.1  # real preferences, not uniform maps
    # Refresh again with the trained model, then map 5 by hand: the whole photo at 64 px.
    hook.refresh(trained)
    weights = hook.store.float() / 255
    dataset = trained.train_dataloader.dataset
    img = mmcv.imread(dataset.get_data_info(5)['img_path'])
    img = mmcv.imresize(img, (64, 64), interpolation='bicubic', backend='pillow')
    inputs = model.data_preprocessor(
        dict(inputs=torch.from_numpy(img).permute(2, 0, 1)[None], data_samples=None), False)['inputs']
    model.eval()
    with torch.no_grad():
        expected = hook.sampling_weights(model, inputs)[0]
    assert (weights[5] - expected).abs().max() <= 0.5 / 255 + 1e-6


def test_maps_survive_a_checkpoint_round_trip(trained, tiny_imagenet, tmp_path):
    hook = famt_hook(trained)
    checkpoint = {}
    hook.before_save_checkpoint(trained, checkpoint)
    torch.save(checkpoint, tmp_path / 'ckpt.pth')
    loaded = torch.load(tmp_path / 'ckpt.pth', weights_only=True)  # plain tensors and ints
    fresh = build_runner(small_config(tiny_imagenet, str(tmp_path / 'fresh')))
    new_hook = famt_hook(fresh)
    new_hook.after_load_checkpoint(fresh, loaded)
    assert torch.equal(new_hook.store, hook.store) and new_hook.refreshed_epoch == 0
    new_hook.before_train(fresh)
    assert fresh.model.weights_ready
    transform = FAMTRefreshHook._weight_transform(fresh.train_dataloader.dataset)
    assert transform.store is new_hook.store  # the pipeline reads the restored maps


def test_dataloader_workers_see_refreshed_maps(tiny_imagenet):
    cfg = small_config(tiny_imagenet, '/tmp/unused')
    init_default_scope('mmpretrain')
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    transform = FAMTRefreshHook._weight_transform(dataset)
    store = torch.zeros(len(dataset), 4, 4, dtype=torch.uint8).share_memory_()
    transform.attach(store)
    loader = DataLoader(dataset, batch_size=16, num_workers=2, persistent_workers=True,
                        collate_fn=default_collate)
    first = torch.cat([torch.stack([s.famt_weight for s in b['data_samples']]) for b in loader])
    store.fill_(255)  # a refresh in the main process, after the workers started
    second = torch.cat([torch.stack([s.famt_weight for s in b['data_samples']]) for b in loader])
    assert first.shape == second.shape == (48, 4, 4)
    assert (first == 0).all() and torch.allclose(second, torch.ones(48, 4, 4))


@pytest.mark.parametrize('options, message', [
    (dict(interval=0), 'interval'), (dict(warmup_epochs=-1), 'warmup_epochs'),
    (dict(fusion='max'), 'fusion'), (dict(freq_weight=2.), 'freq_weight'),
    (dict(freq_cutoff=0.), 'freq_cutoff')])
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        FAMTRefreshHook(**options)


def test_pipeline_without_weight_map_is_refused(tiny_imagenet, tmp_path):
    cfg = small_config(tiny_imagenet, str(tmp_path))
    cfg.train_dataloader.dataset.pipeline.pop(3)
    runner = build_runner(cfg)
    with pytest.raises(ValueError, match='no FAMTWeightMap'):
        famt_hook(runner).before_train(runner)
