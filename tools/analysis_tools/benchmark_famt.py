"""Measures the pre-training step time of FAMT-MAE against plain MAE on the same machine.

Both models are built from their configs (by default the two ViT-B/16 recipes in
``configs/famt/``), fed the same batch of real photo crops, and timed with full train steps
(preprocess, forward, loss, backward, AdamW step). The two are interleaved, alternating which
one goes first, over several repeats; the script prints the median step time and its spread
(half the range) for each, the FAMT/MAE ratio of the medians and the spread of the
per-repeat ratios. FAMT is timed after its warm-up (weights ready: 45% masked, 40% thrown).

It also times one weight refresh pass (whole-image encoder forward + frequency response) and
estimates the whole schedule: MAE steps during the warm-up epochs, FAMT steps after, plus one
refresh pass over the data every ``interval`` epochs.

Example::

    python tools/analysis_tools/benchmark_famt.py --batch-size 8
    python tools/analysis_tools/benchmark_famt.py --arch deit-small --batch-size 16
"""
import argparse
import copy
import os.path as osp
import statistics
import time
from typing import Callable, Dict, List

import mmcv
import numpy as np
import torch
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mfm_mm  # noqa: F401  registers FAMT
from mfm_mm.demo import bundled_photos
from mfm_mm.engine.runner import load_config

CONFIGS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
                   'famt')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Benchmark FAMT-MAE vs MAE step time')
    parser.add_argument('--famt-config', default=osp.join(
        CONFIGS, 'famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'))
    parser.add_argument('--mae-config', default=osp.join(
        CONFIGS, 'mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'))
    parser.add_argument('--arch', help="encoder arch (mmpretrain name, e.g. 'deit-small'); "
                        'default: the configs\'')
    parser.add_argument('--img-size', type=int, default=224)
    parser.add_argument('--batch-size', type=int, default=8, help='images per step')
    parser.add_argument('--steps', type=int, default=3, help='train steps per timing')
    parser.add_argument('--repeats', type=int, default=7, help='interleaved repeats')
    parser.add_argument('--warmup', type=int, default=1, help='untimed repeats first')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--threads', type=int,
                        help='CPU threads (1 is steadier on a shared machine); default: torch\'s')
    return parser.parse_args()


def build(path: str, args: argparse.Namespace, device: torch.device):
    """Builds a model (resized to ``--arch`` / ``--img-size``) and a plain AdamW wrapper."""
    cfg = load_config(path)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    cfg.model.backbone.img_size = args.img_size
    if args.arch:
        cfg.model.backbone.arch = args.arch
        cfg.model.neck.embed_dim = MODELS.get('VisionTransformer').arch_zoo[args.arch]['embed_dims']
    cfg.model.neck.num_patches = (args.img_size // cfg.model.backbone.patch_size)**2
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device).train()
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    optim_cfg.type = 'OptimWrapper'  # fp32 on both sides, no loss scaling
    for key in ('loss_scale', 'dtype'):
        optim_cfg.pop(key, None)
    return cfg, model, build_optim_wrapper(model, optim_cfg)


def photo_batch(size: int, batch_size: int) -> dict:
    """Random crops of the bundled photos, in the dataloader's format."""
    rng = np.random.default_rng(0)
    photos = list(bundled_photos().values())
    inputs, samples = [], []
    for i in range(batch_size):
        photo = photos[i % len(photos)]
        h, w = photo.shape[:2]
        side = int(min(h, w) * rng.uniform(0.5, 1.0))
        y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        crop = mmcv.imresize(photo[y:y + side, x:x + side], (size, size), backend='pillow')
        inputs.append(torch.from_numpy(crop[..., ::-1].copy()).permute(2, 0, 1))  # BGR
        box = np.array([x / w, y / h, (x + side) / w, (y + side) / h])
        samples.append(DataSample(sample_idx=i, flip=False, crop_box=box))
    return dict(inputs=torch.stack(inputs), data_samples=samples)


def sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def timed(fn: Callable[[], None], steps: int, device: torch.device) -> float:
    """Seconds per call of ``fn``, over ``steps`` calls."""
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    sync(device)
    return (time.perf_counter() - start) / steps


def summary(values: List[float]) -> str:
    return f'{statistics.median(values) * 1e3:9.1f} ms +- {(max(values) - min(values)) * 5e2:.1f}'


def main() -> None:
    args = parse_args()
    MMLogger.get_instance('mmengine', log_level='ERROR')
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    famt_cfg, famt, famt_optim = build(args.famt_config, args, device)
    _, mae, mae_optim = build(args.mae_config, args, device)
    famt.reset_weights(args.batch_size)  # after the warm-up: 45% masked, 40% thrown
    famt.famt_weights.copy_(torch.randint(0, 256, famt.famt_weights.shape))
    famt.refreshed_epoch.fill_(0)
    grid = famt.backbone.patch_resolution[0]
    batch = photo_batch(args.img_size, args.batch_size)
    hook_cfg = next(h for h in famt_cfg.custom_hooks if h['type'] == 'FAMTRefreshHook')
    inputs = famt.data_preprocessor(batch, False)['inputs']

    def refresh_pass() -> None:
        famt.eval()
        with torch.no_grad():
            famt.sampling_weights(inputs)
        famt.train()

    variants: Dict[str, Callable[[], None]] = {
        'MAE': lambda: mae.train_step(batch, mae_optim),
        'FAMT-MAE': lambda: famt.train_step(batch, famt_optim),
    }
    samples: Dict[str, List[float]] = {name: [] for name in variants}
    samples['refresh pass'] = []
    for repeat in range(args.warmup + args.repeats):
        names = list(variants) if repeat % 2 == 0 else list(variants)[::-1]
        for name in names:
            seconds = timed(variants[name], args.steps, device)
            if repeat >= args.warmup:
                samples[name].append(seconds)
        seconds = timed(refresh_pass, args.steps, device)
        if repeat >= args.warmup:
            samples['refresh pass'].append(seconds)

    ratios = [f / m for f, m in zip(samples['FAMT-MAE'], samples['MAE'])]
    ratio = statistics.median(samples['FAMT-MAE']) / statistics.median(samples['MAE'])
    epochs = famt_cfg.train_cfg.max_epochs
    warmup, interval = hook_cfg['warmup_epochs'], hook_cfg['interval']
    refreshes = len(range(warmup, epochs, interval))
    refresh = statistics.median(samples['refresh pass']) / statistics.median(samples['MAE'])
    schedule = (warmup + (epochs - warmup) * ratio + refreshes * refresh) / epochs
    print(f'\nencoder {args.arch or famt_cfg.model.backbone.arch}, {args.img_size} px '
          f'({grid}x{grid} patches), batch {args.batch_size}, device {device}, '
          f'{torch.get_num_threads()} threads; {args.repeats} interleaved repeats of '
          f'{args.steps} steps (median +- half range per step)')
    for name, values in samples.items():
        print(f'{name:14s}{summary(values)}')
    print(f'\nstep-time ratio FAMT-MAE / MAE: {ratio:.3f} (per-repeat ratios: median '
          f'{statistics.median(ratios):.3f}, range {min(ratios):.3f}-{max(ratios):.3f}); '
          f'step time saved: {(1 - ratio) * 100:.0f}%')
    print(f'refresh pass / MAE step: {refresh:.3f}; {epochs}-epoch schedule with {warmup} '
          f'random-masking epochs and {refreshes} refreshes: FAMT / MAE time {schedule:.3f}')


if __name__ == '__main__':
    main()
