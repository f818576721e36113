"""FAMT end to end through tools/train.py: real photos, one refresh, checkpoints and resume."""
import os.path as osp

import pytest
import torch

from conftest import PYTHON, REPO, run_tool
from mfm_mm.engine.runner import load_checkpoint_file
from test_train import logged_losses

FAMT = osp.join(REPO, 'configs', 'famt', 'famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')


def famt_small_options(data_root: str, epochs: int) -> list:
    """64 px, batch 8, DeiT-Tiny encoder, 2-block decoder; random masking for 1 epoch."""
    return [
        f'train_dataloader.dataset.data_root={data_root}', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=2', 'train_dataloader.dataset.pipeline.RandomResizedCropWithBox.scale=64',
        'model.backbone.img_size=64',
        'model.backbone.arch=deit-tiny', 'model.neck.num_patches=16', 'model.neck.embed_dim=192',
        'model.neck.decoder_embed_dim=128', 'model.neck.decoder_depth=2',
        'model.neck.decoder_num_heads=4', 'custom_hooks.FAMTRefreshHook.warmup_epochs=1',
        'custom_hooks.FAMTRefreshHook.interval=10', 'custom_hooks.FAMTRefreshHook.batch_size=16',
        f'train_cfg.max_epochs={epochs}', 'param_scheduler.warmup=1',
        'param_scheduler.end=4',
        'default_hooks.logger.interval=1', 'randomness.seed=0', 'resume=False',
    ]


def famt_state(path: str) -> dict:
    """The FAMT buffers of a checkpoint: the maps and the epoch of their last refresh."""
    state = load_checkpoint_file(path, map_location='cpu')['state_dict']
    return dict(weights=state['famt_weights'], refreshed_epoch=int(state['refreshed_epoch']))


def seeded_famt(tmp_path) -> str:
    """The FAMT recipe re-seeded every epoch (EpochSeedHook), so that runs can be compared."""
    path = tmp_path / 'famt_seeded.py'
    path.write_text(f"_base_ = {FAMT!r}\n"
                    "custom_hooks = _base_.custom_hooks + [dict(type='EpochSeedHook')]\n"
                    "train_dataloader = dict(persistent_workers=False)\n")
    return str(path)


@pytest.mark.slow
def test_famt_pretrains_refreshes_and_resumes_exactly(tiny_imagenet, tmp_path):
    config, work_dir = seeded_famt(tmp_path), str(tmp_path / 'famt')
    out = run_tool([PYTHON, 'tools/train.py', config, '--work-dir', work_dir, '--cfg-options',
                    *famt_small_options(tiny_imagenet, epochs=3)])
    assert 'FAMT: random masking until epoch 1' in out.stdout
    assert 'FAMT: refreshing the sampling weights of 48 images (epoch 1)' in out.stdout
    assert '48/48' in out.stdout  # mmengine's ProgressBar over the training set
    losses = logged_losses(work_dir)
    assert [it for it, _ in losses] == list(range(1, 19))  # 48 photos / 8 x 3 epochs
    values = [loss for _, loss in losses]
    assert sum(values[-6:]) / 6 < 0.95 * sum(values[:6]) / 6, values
    before, after = famt_state(osp.join(work_dir, 'epoch_1.pth')), famt_state(
        osp.join(work_dir, 'epoch_3.pth'))
    assert before['refreshed_epoch'] == -1 and (before['weights'] == 255).all()
    weights = after['weights']
    assert after['refreshed_epoch'] == 1 and weights.shape == (48, 4, 4)
    assert weights.dtype == torch.uint8 and (weights.float() / 255).std() > 0.1

    options = famt_small_options(tiny_imagenet, epochs=4)
    options.remove('resume=False')
    out = run_tool([PYTHON, 'tools/train.py', config, '--work-dir', work_dir, '--resume',
                    '--cfg-options', *options])
    assert 'resumed epoch: 3, iter: 18' in out.stdout
    assert 'FAMT: masking by the weights refreshed at epoch 1' in out.stdout
    assert 'refreshing' not in out.stdout  # the maps came back from the checkpoint
    resumed = logged_losses(work_dir)
    assert [it for it, _ in resumed] == list(range(1, 25))
    assert resumed[:18] == losses  # the first run's log, kept
    assert torch.equal(famt_state(osp.join(work_dir, 'epoch_4.pth'))['weights'], weights)
    # The resumed epoch masks, and so scores, exactly as an uninterrupted run's.
    reference = str(tmp_path / 'reference')
    run_tool([PYTHON, 'tools/train.py', config, '--work-dir', reference, '--cfg-options',
              *famt_small_options(tiny_imagenet, epochs=4)])
    assert resumed[18:] == logged_losses(reference)[18:]
