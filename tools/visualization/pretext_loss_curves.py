"""Trains each frequency pretext for the same short CPU schedule and compares the losses.

Every config is trained through ``mfm_mm.engine.build_runner`` (the path of ``tools/train.py``)
on the bundled photos for ``--epochs`` epochs (one warm-up epoch, cosine after), each with
its reconstruction picture at the end. Writes ``loss_table.md`` (first / middle / last loss and
first / last epoch means per pretext) and ``loss_curves.png`` to ``--work-dir``.

    python tools/visualization/pretext_loss_curves.py --epochs 8

Losses of different pretexts are not on one scale (MFM averages over the removed frequencies,
the restoration pretexts over all of them): compare each curve's shape, not the levels.
"""
import argparse
import glob
import os
import os.path as osp
import time
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import mfm_mm  # noqa: F401,E402
from mfm_mm.demo import write_imagenet_folder  # noqa: E402
from mfm_mm.engine.runner import build_runner, load_config, stop_dataloader_workers  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIGS = [osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')] + \
    sorted(glob.glob(osp.join(REPO, 'configs', 'mfm_pretexts', 'demo', '*.py')))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Loss curves of the frequency pretexts')
    parser.add_argument('configs', nargs='*', default=DEFAULT_CONFIGS,
                        help='configs to train (default: the CPU demo of each pretext)')
    parser.add_argument('--data-root', default='data/demo_imagenet',
                        help='ImageNet-layout data; bundled photos are written there if absent')
    parser.add_argument('--epochs', type=int, default=8, help='epochs per pretext')
    parser.add_argument('--work-dir', default='work_dirs/pretext_curves')
    return parser.parse_args()


def pretext_name(config: str) -> str:
    """``sr_vit-tiny-...py`` -> ``sr``; the MFM demo config -> ``mfm``."""
    return osp.basename(config).split('_')[0]


def train(config: str, data_root: str, epochs: int, work_dir: str) -> List[float]:
    """Trains one config for ``epochs`` epochs and returns its per-iteration losses."""
    options = {
        'train_dataloader.dataset.data_root': data_root,
        'train_cfg.max_epochs': epochs,
        'param_scheduler.warmup': 1,
        'param_scheduler.end': epochs,
        'custom_hooks': [dict(type='MFMVisualizationHook', interval=epochs, num_images=4)],
        'randomness.seed': 0,
    }
    runner = build_runner(load_config(config, work_dir=work_dir, cfg_options=options))
    runner.train()
    stop_dataloader_workers(runner)  # the next config trains in this process
    return [float(x) for x in runner.message_hub.get_scalar('train/loss').data[0]]


def loss_table(curves: Dict[str, List[float]], per_epoch: int) -> str:
    """Markdown table of first / middle / last loss and first / last epoch means."""
    rows = ['| pretext | iterations | first | middle | last | first-epoch mean | '
            'last-epoch mean | last / first (epoch means) |', '|---' * 8 + '|']
    for name, losses in curves.items():
        first, last = np.mean(losses[:per_epoch]), np.mean(losses[-per_epoch:])
        rows.append(f'| {name} | {len(losses)} | {losses[0]:.4f} | '
                    f'{losses[len(losses) // 2]:.4f} | {losses[-1]:.4f} | {first:.4f} | '
                    f'{last:.4f} | {last / first:.2f} |')
    return '\n'.join(rows) + '\n'


def plot(curves: Dict[str, List[float]], per_epoch: int, out_file: str) -> None:
    """Each pretext's loss divided by its first-epoch mean, per iteration."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, losses in curves.items():
        ax.plot(np.arange(1, len(losses) + 1), np.asarray(losses) / np.mean(losses[:per_epoch]),
                label=name)
    ax.set_xlabel('iteration')
    ax.set_ylabel('loss / first-epoch mean')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)


def main() -> None:
    args = parse_args()
    if not osp.isfile(osp.join(args.data_root, 'meta', 'train.txt')):
        write_imagenet_folder(args.data_root, crops_per_photo=16)
    os.makedirs(args.work_dir, exist_ok=True)
    curves, seconds = {}, {}
    for config in args.configs:
        name = pretext_name(config)
        start = time.time()
        curves[name] = train(config, args.data_root, args.epochs, osp.join(args.work_dir, name))
        seconds[name] = time.time() - start
    per_epoch = len(next(iter(curves.values()))) // args.epochs
    table = loss_table(curves, per_epoch)
    table += '\n' + ', '.join(f'{name}: {s:.0f} s' for name, s in seconds.items()) + '\n'
    with open(osp.join(args.work_dir, 'loss_table.md'), 'w') as f:
        f.write(table)
    plot(curves, per_epoch, osp.join(args.work_dir, 'loss_curves.png'))
    print(table)
    print(f'table, plot and pictures in {args.work_dir}')


if __name__ == '__main__':
    main()
