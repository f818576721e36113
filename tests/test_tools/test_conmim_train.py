"""ConMIM end to end through tools/train.py on real photos: training, checkpoints, resume."""
import math
import os.path as osp

import pytest
import torch

from conftest import PYTHON, REPO, run_tool
from mfm_mm.engine.runner import load_checkpoint_file
from test_train import logged_losses

CONFIG = osp.join(REPO, 'configs', 'conmim', 'conmim_vit-s_300e.py')


def small_run_options(data_root: str, epochs: int) -> list:
    """``--cfg-options`` that shrink the ViT-S recipe: 64 px, ViT-Tiny, batch 8, 1 warm-up epoch."""
    return [
        f'train_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=2',
        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale=64',
        'train_dataloader.dataset.pipeline.SimMIMMaskGenerator.input_size=64',
        'train_dataloader.dataset.pipeline.SimMIMMaskGenerator.mask_patch_size=16',  # 4 x 4, 12 masked
        'model.backbone.arch=deit-tiny', 'model.backbone.img_size=64',
        'model.neck.in_channels=192', 'model.neck.hid_channels=512',
        'model.neck.out_channels=128', f'train_cfg.max_epochs={epochs}',
        'param_scheduler.warmup=1', f'param_scheduler.end={epochs}',
        'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=4', 'randomness.seed=0',
    ]


def load_state(path: str) -> dict:
    return load_checkpoint_file(path)


def teacher_of(state: dict) -> dict:
    return {k: v for k, v in state['state_dict'].items() if k.startswith('teacher.')}


@pytest.mark.slow
def test_pretrains_and_resumes_the_teacher_and_its_momentum(tiny_imagenet, tmp_path):
    straight, resumed = str(tmp_path / 'straight'), str(tmp_path / 'resumed')
    options = small_run_options(tiny_imagenet, epochs=4)
    out = run_tool([PYTHON, 'tools/train.py', CONFIG, '--work-dir', straight,
                    '--no-persistent-workers', '--cfg-options', *options])
    assert 'CPU fallback: optim_wrapper: AmpOptimWrapper -> OptimWrapper' in out.stdout
    losses = logged_losses(straight)
    assert [it for it, _ in losses] == list(range(1, 25))  # 48 photos / 8 x 4 epochs
    values = [loss for _, loss in losses]
    first, last = sum(values[:6]) / 6, sum(values[-6:]) / 6
    assert last < first - 0.15, f'loss did not go down: {values}'
    assert values[-1] < 1.2 * math.log(16)  # 16 patches per 64-px image

    final = load_state(osp.join(straight, 'epoch_4.pth'))
    assert final['meta']['iter'] == 24
    assert final['state_dict']['teacher.steps'].item() == 24  # one EMA update per iteration
    student = final['state_dict']['backbone.patch_embed.projection.weight']
    teacher = final['state_dict']['teacher.module.backbone.patch_embed.projection.weight']
    assert not torch.equal(student, teacher)

    # resume from epoch 2 in a fresh work_dir: the teacher and the position in the momentum
    # schedule come back, so the run ends with the uninterrupted run's teacher
    out = run_tool([PYTHON, 'tools/train.py', CONFIG, '--work-dir', resumed,
                    '--no-persistent-workers', '--resume', osp.join(straight, 'epoch_2.pth'),
                    '--cfg-options', *options])
    assert 'resumed epoch: 2, iter: 12' in out.stdout
    assert [it for it, _ in logged_losses(resumed)] == list(range(13, 25))
    again = load_state(osp.join(resumed, 'epoch_4.pth'))
    assert again['state_dict']['teacher.steps'].item() == 24
    for key, value in teacher_of(final).items():
        torch.testing.assert_close(teacher_of(again)[key], value, rtol=0, atol=1e-6)
