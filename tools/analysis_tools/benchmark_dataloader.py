"""How fast a config's training pipeline turns JPEGs into tensors, and how many workers a GPU needs.

Three measurements on the same images:

(a) the cost per image of each step of the config's training pipeline, on one thread
    (median over ``--rounds`` passes, taking turns with (b)); with ``--compare KEY=VALUE ...``
    also (a') the same pipeline with those overrides (e.g.
    ``train_dataloader.dataset.pipeline.LoadRandomResizedCrop.backend=torch``), in turn too;
(b) the same for the official MFM pipeline (PIL open + convert, torchvision's
    ``RandomResizedCrop(224, scale=(0.2, 1), ratio=(3/4, 4/3), bicubic)``, flip, ``ToTensor``),
    re-implemented here with PIL and torch exactly as torchvision 0.16 runs it on a PIL image
    (torchvision itself is not needed);
(c) the images/s of a real ``DataLoader`` over the pipeline with each ``--workers`` count.

With ``--gpu-imgs-per-s`` (or ``--step-time`` and ``--batch-size``) it prints the workers per
GPU that keep such a GPU fed: the GPU's images/s over one worker's (from (a), and from (c)
per worker). Without ``--data-root`` it writes ImageNet-like JPEGs from the bundled photos.

Example::

    nice python tools/analysis_tools/benchmark_dataloader.py configs/mfm_vit-b_300e.py \\
        --workers 1 2 --gpu-imgs-per-s 1000 \\
        --compare train_dataloader.dataset.pipeline.LoadRandomResizedCrop.backend=torch
"""
import argparse
import math
import os
import os.path as osp
import statistics
import tempfile
import time
from collections import defaultdict
from typing import Callable, Dict, List, Sequence

import cv2
import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import Compose, default_collate
from mmengine.registry import init_default_scope
from PIL import Image

import mfm_mm  # noqa: F401  registers the transforms
from mfm_mm.demo import write_imagenet_like_jpegs
from mfm_mm.engine.runner import load_config
from mfm_mm.utils import innermost_dataset

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')
OFFICIAL_SIZE, OFFICIAL_SCALE, OFFICIAL_RATIO = 224, (0.2, 1.0), (3 / 4, 4 / 3)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Benchmark the training data pipeline')
    parser.add_argument('config', help='training config')
    parser.add_argument('--data-root', help='folder of images (searched recursively); '
                        'default: ImageNet-like JPEGs written from the bundled photos')
    parser.add_argument('--images', type=int, default=64, help='images used')
    parser.add_argument('--rounds', type=int, default=5, help='single-thread passes')
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2],
                        help='DataLoader worker counts to measure')
    parser.add_argument('--batch-size', type=int, default=32, help='DataLoader batch size '
                        '(and images per GPU step for --step-time)')
    parser.add_argument('--epochs', type=int, default=2, help='DataLoader passes per count')
    parser.add_argument('--gpu-imgs-per-s', type=float, help="the model's images/s per GPU")
    parser.add_argument('--step-time', type=float,
                        help='seconds per training step of --batch-size images on one GPU')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides of the config (list items may be named by type: '
                        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.draft=True)')
    parser.add_argument('--compare', nargs='+', action=DictAction, default={},
                        help="further overrides for a second pipeline (a'), timed in turn "
                        'with (a) and (b), e.g. '
                        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.backend=torch')
    return parser.parse_args()


def image_files(root: str, count: int) -> List[str]:
    """The first ``count`` images under ``root``, in sorted walk order."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found += [osp.join(folder, f) for f in sorted(files)
                  if f.lower().endswith(IMAGE_EXTENSIONS)]
        if len(found) >= count:
            break
    if not found:
        raise FileNotFoundError(f'no images under {root}')
    return found[:count]


def official_steps() -> Dict[str, Callable]:
    """The official MFM pipeline as torchvision runs it on a PIL image, step by step."""

    def load(path):
        with open(path, 'rb') as f:  # torchvision's pil_loader
            return Image.open(f).convert('RGB')

    def random_resized_crop(image):  # RandomResizedCrop.get_params + F.resized_crop
        width, height = image.size
        area = width * height
        log_ratio = torch.log(torch.tensor(OFFICIAL_RATIO))
        for _ in range(10):
            target = area * torch.empty(1).uniform_(*OFFICIAL_SCALE).item()
            ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            w, h = int(round(math.sqrt(target * ratio))), int(round(math.sqrt(target / ratio)))
            if 0 < w <= width and 0 < h <= height:
                top = torch.randint(0, height - h + 1, size=(1,)).item()
                left = torch.randint(0, width - w + 1, size=(1,)).item()
                break
        else:
            in_ratio = width / height
            w, h = width, height
            if in_ratio < min(OFFICIAL_RATIO):
                h = int(round(w / min(OFFICIAL_RATIO)))
            elif in_ratio > max(OFFICIAL_RATIO):
                w = int(round(h * max(OFFICIAL_RATIO)))
            top, left = (height - h) // 2, (width - w) // 2
        return image.crop((left, top, left + w, top + h)).resize(
            (OFFICIAL_SIZE, OFFICIAL_SIZE), Image.BICUBIC)

    def flip(image):  # RandomHorizontalFlip(0.5)
        return image.transpose(Image.FLIP_LEFT_RIGHT) if torch.rand(1) < 0.5 else image

    def to_tensor(image):  # F.to_tensor of an RGB PIL image
        tensor = torch.from_numpy(np.array(image, np.uint8, copy=True))
        tensor = tensor.view(image.size[1], image.size[0], 3).permute(2, 0, 1).contiguous()
        return tensor.to(torch.float32).div(255)

    return {'PIL open + convert': load, 'RandomResizedCrop': random_resized_crop,
            'RandomHorizontalFlip': flip, 'ToTensor': to_tensor}


def time_round(steps: Dict[str, Callable], first_input: Callable, paths: Sequence[str],
               seed: int) -> Dict[str, float]:
    """One pass: each step's mean cost per image, in ms, on the current thread.

    Args:
        steps: Step name -> callable, applied in order, each to the previous one's output.
        first_input: Turns a path into the first step's input.
        paths: The images.
        seed: Seed of numpy's and torch's generators for this pass.

    Returns:
        Step name -> ms per image, plus ``'total'``.
    """
    np.random.seed(seed)
    torch.manual_seed(seed)
    spent = defaultdict(float)
    for path in paths:
        data = first_input(path)
        for name, step in steps.items():
            start = time.perf_counter()
            data = step(data)
            spent[name] += time.perf_counter() - start
    costs = {name: seconds * 1e3 / len(paths) for name, seconds in spent.items()}
    costs['total'] = sum(costs.values())
    return costs


def interleaved_medians(variants: Dict[str, tuple], paths: Sequence[str],
                        rounds: int) -> Dict[str, Dict[str, float]]:
    """Median over rounds of ``time_round`` for each variant, the variants taking turns.

    An untimed pass over the first 4 images goes first (first calls, lazy set-up).

    Args:
        variants: Name -> ``(steps, first_input)`` of ``time_round``.
        paths: The images.
        rounds: Passes per variant.

    Returns:
        Name -> step name -> median ms per image.
    """
    samples = {name: defaultdict(list) for name in variants}
    for steps, first_input in variants.values():  # warm-up: first calls, lazy set-up
        time_round(steps, first_input, paths[:4], 0)
    for seed in range(rounds):
        for name, (steps, first_input) in variants.items():
            for step, ms in time_round(steps, first_input, paths, seed).items():
                samples[name][step].append(ms)
    return {name: {step: statistics.median(values) for step, values in steps.items()}
            for name, steps in samples.items()}


class PipelineImages(torch.utils.data.Dataset):
    """The images through a pipeline, as a map-style dataset for ``DataLoader``."""

    def __init__(self, paths: Sequence[str], pipeline: list) -> None:
        self.paths, self.pipeline = list(paths), pipeline
        self.compose = None

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> dict:
        if self.compose is None:  # built in the worker
            init_default_scope('mmpretrain')
            self.compose = Compose(self.pipeline)
        return self.compose(dict(img_path=self.paths[index]))


def _one_thread(_: int) -> None:
    torch.set_num_threads(1)
    cv2.setNumThreads(1)


def loader_throughput(paths: Sequence[str], pipeline: list, workers: int, batch_size: int,
                      epochs: int) -> float:
    """Images/s of a ``DataLoader`` with ``workers`` workers, after its first batch.

    Args:
        paths: The images.
        pipeline: Transform configs.
        workers: ``num_workers``.
        batch_size: Images per batch.
        epochs: Passes over the images (one ``DataLoader`` with persistent workers).

    Returns:
        Images per second.
    """
    loader = torch.utils.data.DataLoader(
        PipelineImages(paths, pipeline), batch_size=batch_size, num_workers=workers,
        collate_fn=default_collate, worker_init_fn=_one_thread, persistent_workers=True)
    images, start = 0, None
    for _ in range(epochs):
        for batch in loader:
            if start is None:  # excludes the workers' start-up
                start = time.perf_counter()
            else:
                images += len(batch['inputs'])
    return images / (time.perf_counter() - start) if images else float('nan')


def train_pipeline(config: str, options: dict) -> list:
    """The training pipeline of ``config`` with ``--cfg-options``-style overrides."""
    cfg = load_config(config, cfg_options=options or None)
    return innermost_dataset(cfg.train_dataloader)['pipeline']


def named_steps(transforms: Sequence[Callable]) -> Dict[str, Callable]:
    """The transforms by type name, a repeated type numbered (``RandomFlip``, ``RandomFlip #2``)."""
    steps = {}
    for transform in transforms:
        name, count = type(transform).__name__, 1
        while (name if count == 1 else f'{name} #{count}') in steps:
            count += 1
        steps[name if count == 1 else f'{name} #{count}'] = transform
    return steps


def table(title: str, costs: Dict[str, float]) -> str:
    rows = [f'{title}', f'  {"step":<28} {"ms / image":>10}']
    rows += [f'  {name:<28} {ms:>10.3f}' for name, ms in costs.items()]
    return '\n'.join(rows)


def main() -> None:
    args = parse_args()
    _one_thread(0)
    init_default_scope('mmpretrain')
    pipeline = train_pipeline(args.config, args.cfg_options)
    pipelines = {'ours': pipeline}
    if args.compare:
        pipelines['compared'] = train_pipeline(args.config, {**args.cfg_options, **args.compare})
    with tempfile.TemporaryDirectory() as scratch:
        if args.data_root:
            paths, source = image_files(args.data_root, args.images), args.data_root
        else:
            paths = write_imagenet_like_jpegs(scratch, args.images)
            source = 'ImageNet-like JPEGs from the bundled photos (shorter side 333-500, q90)'
        print(f'{len(paths)} images: {source}')
        variants = {name: (named_steps(Compose(steps).transforms), lambda path: dict(img_path=path))
                    for name, steps in pipelines.items()}
        variants['official'] = (official_steps(), lambda path: path)
        costs = interleaved_medians(variants, paths, args.rounds)
        ours, official = costs['ours'], costs['official']
        print(table(f'(a) {osp.basename(args.config)}, one thread', ours))
        if 'compared' in costs:
            changes = ', '.join(f'{key}={value}' for key, value in args.compare.items())
            print(table(f"(a') (a) with {changes}, one thread", costs['compared']))
        print(table('(b) official MFM pipeline (torchvision on PIL, re-implemented), '
                    'one thread', official))
        print(f'ratio (a) / (b): {ours["total"] / official["total"]:.3f}')
        if 'compared' in costs:
            print(f"ratio (a') / (b): {costs['compared']['total'] / official['total']:.3f}")
        rates = {n: loader_throughput(paths, pipeline, n, args.batch_size, args.epochs)
                 for n in args.workers}
    print('(c) DataLoader')
    for workers, rate in rates.items():
        print(f'  {workers:>2} worker(s): {rate:8.1f} images/s ({rate / workers:.1f} per worker)')
    gpu_rate = args.gpu_imgs_per_s
    if gpu_rate is None and args.step_time:
        gpu_rate = args.batch_size / args.step_time
    if gpu_rate:
        per_worker = {'one-thread cost (a)': 1e3 / ours['total']}
        if 'compared' in costs:
            per_worker["one-thread cost (a')"] = 1e3 / costs['compared']['total']
        per_worker[f'DataLoader, {max(rates)} worker(s) (c)'] = rates[max(rates)] / max(rates)
        print(f'workers per GPU at {gpu_rate:.0f} images/s per GPU:')
        for basis, rate in per_worker.items():
            print(f'  from {basis}: {math.ceil(gpu_rate / rate)} '
                  f'({rate:.0f} images/s per worker)')


if __name__ == '__main__':
    main()
