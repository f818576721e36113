"""Measures what MFM's frequency modeling costs on top of its backbone, side by side.

For one config, in one process, interleaved over several repeats (median and spread):

(a) the full MFM train step (preprocess, corrupt, encode, decode, spectral loss, backward, step);
(b) the same backbone and decoder with a plain pixel L2 loss and no corruption;
(c) the corruption alone;  (d) the spectral loss alone (forward + backward);
(e) the data pipeline per image, with and without ``FrequencyMaskGenerator``.

Prints the ratios (a)/(b) and (e with)/(e without) and the peak memory. Works on CPU and CUDA.

Example::

    python tools/analysis_tools/benchmark_pretrain.py configs/mfm_vit-s_300e.py --batch-size 8
"""
import argparse
import copy
import resource
import statistics
import tempfile
import time
from typing import Callable, Dict, List

import torch
import torch.nn.functional as F
from mmengine.config import DictAction
from mmengine.dataset import default_collate
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS

import mfm_mm  # noqa: F401
from mfm_mm.demo import write_imagenet_folder
from mfm_mm.models.utils import to_fft_layout
from mfm_mm.utils import adapt_to_cpu, load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Benchmark MFM pre-training overhead')
    parser.add_argument('config', help='pre-training config')
    parser.add_argument('--batch-size', type=int, default=8, help='images per step')
    parser.add_argument('--repeats', type=int, default=7, help='interleaved repeats')
    parser.add_argument('--warmup', type=int, default=2, help='untimed rounds first')
    parser.add_argument('--pipeline-images', type=int, default=16,
                        help='images per pipeline measurement')
    parser.add_argument('--pipeline-rounds', type=int, default=30,
                        help='interleaved rounds of the (cheap) pipeline measurements')
    parser.add_argument('--data-root', help='ImageNet-layout root; default: bundled photos')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--amp', choices=['none', 'bf16', 'fp16'], default='none',
                        help='autocast dtype of the train steps')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. key=value')
    return parser.parse_args()


class Timer:
    """Times callables, synchronising CUDA, and keeps every sample per name."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.samples: Dict[str, List[float]] = {}
        self.peak_mb: Dict[str, float] = {}

    def _sync(self) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)

    def run(self, name: str, fn: Callable[[], None], record: bool = True) -> None:
        if self.device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(self.device)
        self._sync()
        start = time.perf_counter()
        fn()
        self._sync()
        if record:
            self.samples.setdefault(name, []).append(time.perf_counter() - start)
            if self.device.type == 'cuda':
                self.peak_mb[name] = torch.cuda.max_memory_allocated(self.device) / 2**20

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def spread(self, name: str) -> float:
        values = self.samples[name]
        return (max(values) - min(values)) / 2


def build_dataset(cfg, data_root: str, with_mask: bool):
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.data_root = data_root
    if not with_mask:
        dataset_cfg.pipeline = [t for t in dataset_cfg.pipeline
                                if t['type'] != 'FrequencyMaskGenerator']
        for transform in dataset_cfg.pipeline:
            if transform['type'] == 'PackInputs':
                transform['algorithm_keys'] = []
    return DATASETS.build(dataset_cfg)


def main() -> None:
    args = parse_args()
    MMLogger.get_instance('mmengine', log_level='WARNING')
    cfg = load_config(args.config, cfg_options=args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    device = torch.device(args.device)
    if device.type == 'cpu':
        adapt_to_cpu(cfg, distributed=False)
    torch.manual_seed(0)

    data_root = args.data_root or tempfile.mkdtemp(prefix='mfm_bench_')
    if args.data_root is None:
        write_imagenet_folder(data_root, crops_per_photo=8, size=256)
    with_mask = build_dataset(cfg, data_root, with_mask=True)
    without_mask = build_dataset(cfg, data_root, with_mask=False)
    batch = default_collate([with_mask[i % len(with_mask)] for i in range(args.batch_size)])

    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(cfg.model).to(device)
    model.init_weights()
    model.train()
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    optim_cfg.type = 'OptimWrapper'
    optim_wrapper = build_optim_wrapper(model, optim_cfg)
    autocast = dict(device_type=device.type, enabled=args.amp != 'none',
                    dtype=torch.float16 if args.amp == 'fp16' else torch.bfloat16)
    data = model.data_preprocessor(batch, True)
    inputs, samples = data['inputs'], data['data_samples']
    keep = to_fft_layout(torch.stack([s.freq_mask for s in samples]).to(device))

    def mfm_step():
        with torch.autocast(**autocast):
            model.train_step(batch, optim_wrapper)

    def pixel_step():
        with torch.autocast(**autocast):
            pixels = model.data_preprocessor(batch, True)['inputs']
            reconstruction = model.neck(model.backbone(pixels)[-1])
            optim_wrapper.update_params(F.mse_loss(reconstruction.float(), pixels))

    def corruption():
        model.corruption.corrupt(inputs, samples, model.data_preprocessor)

    prediction = torch.randn_like(inputs, requires_grad=True)

    def spectral_loss():
        model.head.loss(prediction, inputs, keep).backward()

    def pipeline(dataset):
        def load():
            for i in range(args.pipeline_images):
                dataset[i % len(dataset)]
        return load

    steps = {
        '(a) MFM train step': mfm_step,
        '(b) pixel-L2 train step': pixel_step,
        '(c) corruption': corruption,
        '(d) spectral loss fwd+bwd': spectral_loss,
    }
    pipelines = {
        '(e) pipeline with mask': pipeline(with_mask),
        '(e) pipeline without mask': pipeline(without_mask),
    }
    timer = Timer(device)
    for variants, rounds in ((steps, args.repeats), (pipelines, args.pipeline_rounds)):
        for round_ in range(args.warmup + rounds):
            for name, fn in variants.items():
                timer.run(name, fn, record=round_ >= args.warmup)
    variants = {**steps, **pipelines}
    mask_transform = next(t for t in with_mask.pipeline.transforms
                          if type(t).__name__ == 'FrequencyMaskGenerator')
    start = time.perf_counter()
    for _ in range(10000):
        mask_transform({})
    mask_seconds = (time.perf_counter() - start) / 10000

    per_image = {'(e) pipeline with mask', '(e) pipeline without mask'}
    print(f'\nconfig {args.config}, device {device}, batch {args.batch_size}, '
          f'input {tuple(inputs.shape[-2:])}, amp {args.amp}, repeats {args.repeats} '
          f'(median, +- half range; pipeline: {args.pipeline_rounds} rounds)')
    for name in variants:
        scale, unit = (1e3 / args.pipeline_images, 'ms/image') if name in per_image \
            else (1e3, 'ms')
        memory = f'  peak {timer.peak_mb[name]:.0f} MiB' if name in timer.peak_mb else ''
        print(f'{name:28s} {timer.median(name) * scale:10.3f} +- '
              f'{timer.spread(name) * scale:.3f} {unit}{memory}')
    step = timer.median('(a) MFM train step')
    print(f'\nratio (a)/(b) train step MFM / pixel-L2:        '
          f'{step / timer.median("(b) pixel-L2 train step"):.4f}')
    print(f'ratio (c+d)/(a) frequency work in the step:       '
          f'{(timer.median("(c) corruption") + timer.median("(d) spectral loss fwd+bwd")) / step:.4f}')
    print(f'ratio (e) pipeline with / without mask transform: '
          f'{timer.median("(e) pipeline with mask") / timer.median("(e) pipeline without mask"):.4f}')
    print(f'mask transform alone: {mask_seconds * 1e6:.2f} us/image = '
          f'{mask_seconds * args.pipeline_images / timer.median("(e) pipeline without mask"):.4f} '
          'of the pipeline per image')
    print(f'throughput (a): {args.batch_size / step:.1f} images/s')
    print(f'peak host memory (process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB')


if __name__ == '__main__':
    main()
