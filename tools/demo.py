"""CPU demo: MFM pre-training on real photos bundled with installed packages.

Writes crops of the scikit-image / scikit-learn / matplotlib sample photos in the ImageNet
folder layout, pre-trains the demo config through mmengine's Runner (the same code path as
``tools/train.py``) and reports the loss, the checkpoint and the reconstruction picture.
"""
import argparse
import os.path as osp
import time

from mmengine.config import DictAction

import mfm_mm  # noqa: F401
from mfm_mm.demo import write_imagenet_folder
from mfm_mm.utils import build_runner, load_config

DEMO_CONFIG = osp.join(osp.dirname(__file__), '..', 'configs', 'demo',
                       'mfm_vit-tiny-p16_cpu-demo_128px.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='MFM pre-training demo on CPU')
    parser.add_argument('--config', default=osp.normpath(DEMO_CONFIG), help='demo config')
    parser.add_argument('--work-dir', default='work_dirs/demo', help='logs and checkpoints')
    parser.add_argument('--data-root', default='data/demo_imagenet',
                        help='where the bundled photos are written (ImageNet layout)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. key=value')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    start = time.time()
    count = write_imagenet_folder(args.data_root, crops_per_photo=16)
    print(f'wrote {count} crops of bundled photos to {args.data_root}')
    options = dict(args.cfg_options or {})
    options['train_dataloader.dataset.data_root'] = args.data_root
    cfg = load_config(args.config, work_dir=args.work_dir, cfg_options=options)
    runner = build_runner(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    picture = next(hook.last_file for hook in runner.hooks
                   if type(hook).__name__ == 'MFMVisualizationHook')
    checkpoint = osp.join(args.work_dir, f'epoch_{runner.max_epochs}.pth')
    print(f'\nMFM demo finished in {time.time() - start:.0f} s: {len(losses)} iterations, '
          f'loss {losses[0]:.4f} (first) -> {losses[-1]:.4f} (last)\n'
          f'checkpoint: {checkpoint}\npicture:    {picture}')


if __name__ == '__main__':
    main()
