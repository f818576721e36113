"""Pictures of every corruption of the frequency family through one MFM model.

For a config (and optionally a checkpoint), takes ``--num-images`` images spread over the
config's training set (resized, centre-cropped to the training size) and, for each
corruption, writes to ``--out-dir``:

- ``<corruption>.png``: one row per image: image, log spectrum, mask (or the corruption's
  transfer |F(corrupted)| / |F(image)|), corrupted input, reconstruction;
- ``<corruption>_radial_power.png``: radially averaged power of image, corrupted input and
  reconstruction;
- ``radial_power.json``: those curves, per corruption.

    python tools/visualization/vis_corruptions.py configs/mfm_vit-b_300e.py \\
        --checkpoint work_dirs/mfm_vit-b_300e/epoch_300.pth --out-dir work_dirs/vis
"""
import argparse
import json
import os
import os.path as osp
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import default_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmpretrain.registry import DATASETS, MODELS

import mfm_mm  # noqa: F401
from mfm_mm.models.utils import radius_in_bins
from mfm_mm.models.corruptions import build_corruption
from mfm_mm.utils import crop_size, find_transform
from mfm_mm.engine.runner import load_config
from mfm_mm.visualization import (mfm_panels, radial_power, save_mfm_figure,
                                  save_radial_power_plot)

# the image loaders an MFM config may start with (the channel order they give is the one the
# config's data preprocessor expects)
LOADERS = ('LoadRandomResizedCrop', 'SafeLoadImageFromFile', 'LoadImageFromFile')


def corruptions(radius: int) -> Dict[str, Tuple[dict, Optional[dict]]]:
    """Each corruption's config and, for MFM's masks, its ``FrequencyMaskGenerator`` options."""
    mask = dict(type='FrequencyMaskCorruption')
    return {
        'low-pass': (mask, dict(radius=radius, low_pass_prob=1.)),
        'high-pass': (mask, dict(radius=radius, low_pass_prob=0.)),
        'band-pass': (mask, dict(radius=radius, band_outer=3 * radius, low_pass_prob=0.)),
        'super-resolution': (dict(type='SuperResolutionCorruption', scale=8), None),
        'deblur': (dict(type='GaussianBlurCorruption', sigma=5.), None),
        'denoise': (dict(type='GaussianNoiseCorruption', sigma=75 / 255), None),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Pictures of the frequency corruptions')
    parser.add_argument('config', help='an MFM config')
    parser.add_argument('--checkpoint', help='weights to load (default: the initialisation)')
    parser.add_argument('--out-dir', default='work_dirs/vis_corruptions')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--corruptions', nargs='+', help='names of the corruptions to draw '
                        '(default: all of low-pass, high-pass, band-pass, super-resolution, '
                        'deblur, denoise)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. key=value')
    return parser.parse_args()


def image_size_and_radius(pipeline: list) -> Tuple[int, int]:
    """The training crop side and MFM radius in bins (16 at 224, scaled, by default)."""
    size = (crop_size(pipeline) or (224, 224))[0]
    try:
        radius = find_transform(pipeline, 'FrequencyMaskGenerator')['radius']
    except ValueError:
        radius = 1 / 7
    radius = radius if isinstance(radius, (int, float)) else radius[0]
    return size, round(radius_in_bins(radius, (size, size)))


def load_batch(dataset_cfg: dict, load_step: dict, size: int, num_images: int,
               mask_options: Optional[dict]) -> dict:
    """``num_images`` images spread over the dataset, centre-cropped, with masks if asked."""
    pipeline = [load_step, dict(type='ResizeEdge', scale=size, edge='short', backend='pillow',
                                interpolation='bicubic'),
                dict(type='CenterCrop', crop_size=size)]
    if mask_options is not None:
        pipeline.append(dict(type='FrequencyMaskGenerator', **mask_options))
    pipeline.append(dict(type='PackInputs', algorithm_keys=['freq_mask'] if mask_options else []))
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=pipeline))
    chosen = np.linspace(0, len(dataset) - 1, num_images).round().astype(int)
    return default_collate([dataset[int(i)] for i in chosen])


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, cfg_options=args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model_cfg = cfg.model.copy()
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))  # as the Runner does
    model = MODELS.build(model_cfg)
    if not hasattr(model, 'reconstruct') or not hasattr(model, 'corruption'):
        raise ValueError(f'{args.config}: vis_corruptions needs an MFM model, got '
                         f'{cfg.model.type}')
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    pipeline = cfg.train_dataloader.dataset.pipeline
    size, radius = image_size_and_radius(pipeline)
    loader = next(step for step in pipeline if step['type'] in LOADERS)
    chosen = corruptions(radius)
    unknown = set(args.corruptions or []) - set(chosen)
    if unknown:
        raise ValueError(f'--corruptions: unknown {sorted(unknown)}; allowed: {", ".join(chosen)}')
    os.makedirs(args.out_dir, exist_ok=True)
    curves = {}
    for name in args.corruptions or chosen:
        corruption, mask_options = chosen[name]
        torch.manual_seed(args.seed)
        np.random.seed(args.seed)
        model.corruption = build_corruption(corruption)
        batch = load_batch(cfg.train_dataloader.dataset, loader, size, args.num_images,
                           mask_options)
        panels = mfm_panels(model, batch)
        save_mfm_figure(panels, osp.join(args.out_dir, f'{name}.png'))
        save_radial_power_plot(panels, osp.join(args.out_dir, f'{name}_radial_power.png'),
                               title=f'{name} ({osp.basename(args.config)})')
        curves[name] = {key: radial_power(panels[key]).tolist()
                        for key in ('image', 'corrupted input', 'reconstruction')}
        print(f'{name}: {osp.join(args.out_dir, name)}.png, {name}_radial_power.png')
    with open(osp.join(args.out_dir, 'radial_power.json'), 'w') as f:
        json.dump(curves, f)


if __name__ == '__main__':
    main()
