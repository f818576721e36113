"""The CPU demo's segmentation measured with the lr of each arm chosen on held-out digits.

``make demo`` fine-tunes UperNet at one lr for both arms; on 480 iterations the seeds of that
single run scatter more than the arms differ. Here every arm gets the same rule, in two
protocols (``configs/demo/downstream/vit-4l-p7_upernet-mnist_28px.py`` for both):

- ``fine-tune``: ViT, neck and heads learn (the demo's run, layer-wise lr decay);
- ``frozen probe``: the ViT's weights stay as initialised (lr 0 for ``backbone``); the neck
  and heads learn on its features, so the score is the representation's.

For each protocol and arm (MFM checkpoint, random init):

1. selection: train on 400 of the 500 labelled digits with each lr of the grid, for every
   seed, and measure mIoU on the other 100 (every fifth digit); the lr with the best mean is
   the arm's;
2. report: train on all 500 at that lr, every seed, mIoU on the 1,000 held-out digits.

Prints the selection grid and the report table (``mfm_mm.demo.compare``) and writes both
to ``{work_dir}/seg_protocol.json``.

Usage: python tools/analysis_tools/demo_seg_protocol.py --checkpoint work_dirs/demo/epoch_30.pth
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, List

from mmengine.config import Config

import mfm_mm  # noqa: F401
from mfm_mm.demo import write_mnist_folders
from mfm_mm.demo.compare import compare, format_table, summarize
from mfm_mm.demo.downstream import task_options
from mfm_mm.demo.pretrained import load_demo_weights, save_mmseg_backbone
from mfm_mm.demo.quiet import quiet_known_warnings
from mfm_mm.demo.threads import choose_num_threads, default_jobs, describe

UPERNET = osp.normpath(osp.join(osp.dirname(osp.abspath(__file__)), '..', '..', 'configs',
                                'demo', 'downstream', 'vit-4l-p7_upernet-mnist_28px.py'))
TRAINING = dict(img_path='images/training', seg_map_path='annotations/training')
# lr 0 for every backbone parameter: AdamW then changes neither weights nor their decay
FROZEN = {'optim_wrapper.constructor': 'DefaultOptimWrapperConstructor',
          'optim_wrapper.paramwise_cfg': dict(
              _delete_=True, custom_keys={'backbone': dict(lr_mult=0.0, decay_mult=0.0)})}
PROTOCOLS = {'fine-tune': {}, 'frozen probe': FROZEN}
DEFAULT_LRS = {'fine-tune': [3e-3, 1e-2, 3e-2], 'frozen probe': [1e-2, 3e-2, 1e-1]}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--checkpoint', default='work_dirs/demo/epoch_30.pth',
                        help='MFM pre-training checkpoint (written by make demo)')
    parser.add_argument('--work-dir', default='work_dirs/demo/seg_protocol')
    parser.add_argument('--data-root', default='data/demo_mnist')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--iters', type=int, help="iterations (default: the config's)")
    parser.add_argument('--finetune-lrs', type=float, nargs='+',
                        default=DEFAULT_LRS['fine-tune'])
    parser.add_argument('--probe-lrs', type=float, nargs='+',
                        default=DEFAULT_LRS['frozen probe'])
    parser.add_argument('--train-per-class', type=int, default=50)
    parser.add_argument('--val-per-class', type=int, default=100)
    parser.add_argument('--jobs', type=int, help='runs at a time (default: usable cores)')
    return parser.parse_args()


def selection_split(count: int) -> dict:
    """Trains on 4 of every 5 labelled digits and validates on the fifth."""
    held_out = list(range(0, count, 5))
    rest = [index for index in range(count) if index % 5]
    return {'train_dataloader.dataset.indices': rest,
            'val_dataloader.dataset.indices': held_out,
            'val_dataloader.dataset.data_prefix': dict(TRAINING)}


def best_lr(grid: Dict[float, Dict[str, dict]], arm: str) -> float:
    """The lr whose mean selection mIoU over seeds is highest for ``arm``."""
    return max(grid, key=lambda lr: grid[lr][arm]['mean'])


def format_grid(grids: Dict[str, Dict[float, Dict[str, dict]]]) -> str:
    """Markdown: selection mIoU (mean ± std over seeds) per protocol, lr and arm."""
    rows = ['| protocol | lr | MFM init | random init |', '|---|---|---|---|']
    for protocol, grid in grids.items():
        for lr, summary in grid.items():
            cells = [f"{summary[arm]['mean']:.1f} ± {summary[arm]['std']:.1f}"
                     for arm in ('mfm', 'random')]
            rows.append(f'| {protocol} | {lr:g} | {cells[0]} | {cells[1]} |')
    return '\n'.join(rows)


def main() -> None:
    args = parse_args()
    quiet_known_warnings()
    start = time.time()
    threads, source, timings = choose_num_threads(None, default=1)
    jobs = default_jobs(threads) if args.jobs is None else args.jobs
    print(f'{describe(threads, source, timings)}; {jobs} run(s) at a time')
    weights = load_demo_weights(args.checkpoint)
    counts = write_mnist_folders(args.data_root, args.train_per_class, args.val_per_class)
    cfg = Config.fromfile(UPERNET)
    iters = cfg.train_cfg.max_iters if args.iters is None else args.iters
    segmentor = save_mmseg_backbone(weights, cfg, osp.join(args.work_dir, 'mmseg_backbone.pth'))
    inits = {'mfm': dict(type='Pretrained', checkpoint=segmentor), 'random': None}
    shared = task_options(osp.join(args.data_root, 'segmentation'), max(1, iters // 10), iters,
                          by_epoch=False, decay='PolyLR')
    lrs = {'fine-tune': args.finetune_lrs, 'frozen probe': args.probe_lrs}
    grids: Dict[str, Dict[float, Dict[str, dict]]] = {}
    results, chosen = {}, {}
    for protocol, extra in PROTOCOLS.items():
        folder = osp.join(args.work_dir, protocol.replace(' ', '_'))
        grids[protocol] = {
            lr: summarize(compare(UPERNET, osp.join(folder, f'select_lr{lr:g}'),
                                  dict(shared, **extra, **selection_split(counts['train']),
                                       **{'optim_wrapper.optimizer.lr': lr}),
                                  inits, args.seeds, 'mIoU', jobs))
            for lr in lrs[protocol]}
        chosen[protocol] = {arm: best_lr(grids[protocol], arm) for arm in inits}
        report: Dict[str, List[List[float]]] = {}
        for arm, lr in chosen[protocol].items():
            report.update(compare(UPERNET, osp.join(folder, f'report_lr{lr:g}'),
                                  dict(shared, **extra, **{'optim_wrapper.optimizer.lr': lr}),
                                  {arm: inits[arm]}, args.seeds, 'mIoU', jobs))
        label = (f"{protocol} (lr MFM {chosen[protocol]['mfm']:g}, "
                 f"random {chosen[protocol]['random']:g})")
        results[label] = summarize(report)
    os.makedirs(args.work_dir, exist_ok=True)
    path = osp.join(args.work_dir, 'seg_protocol.json')
    with open(path, 'w') as f:
        json.dump(dict(seeds=args.seeds, iters=iters, lrs=lrs, chosen=chosen,
                       selection={p: {str(lr): s for lr, s in g.items()}
                                  for p, g in grids.items()},
                       report=results, seconds=time.time() - start), f, indent=1)
    print(f'\nselection mIoU (%) on every fifth labelled digit, {iters} iterations, '
          f'seeds {args.seeds}:\n\n{format_grid(grids)}\n\n'
          f'report mIoU (%) on the {counts["val"]} held-out digits at each arm\'s lr:\n\n'
          f'{format_table(results)}\n\nfinished in '
          f'{time.time() - start:.0f} s; numbers: {path}')


if __name__ == '__main__':
    main()
