"""A tiny MFM ViT pre-trained through tools/train.py, shared by the downstream tests."""
import os.path as osp

from conftest import PYTHON, REPO, run_tool

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')
_CHECKPOINTS = {}


def pretrained_tiny_mfm(data_root: str, work_dir: str) -> str:
    """Pre-trains the demo ViT (6 layers, 192 channels) at 64 px for one epoch, once.

    Args:
        data_root: ImageNet-layout photos (the ``tiny_imagenet`` fixture).
        work_dir: Where the run writes; reused by later calls in this session.

    Returns:
        The checkpoint, ``{work_dir}/epoch_1.pth``.
    """
    if data_root not in _CHECKPOINTS:
        run_tool([PYTHON, 'tools/train.py', DEMO, '--work-dir', work_dir, '--cfg-options',
                  f'train_dataloader.dataset.data_root={data_root}',
                  'train_dataloader.batch_size=8', 'train_dataloader.num_workers=1',
                  'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale=64',
                  'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.radius=4', 'model.backbone.img_size=64',
                  'train_cfg.max_epochs=1', 'param_scheduler.warmup=0',
                  'param_scheduler.end=1', 'custom_hooks=[]', 'randomness.seed=0'])
        _CHECKPOINTS[data_root] = osp.join(work_dir, 'epoch_1.pth')
    return _CHECKPOINTS[data_root]
