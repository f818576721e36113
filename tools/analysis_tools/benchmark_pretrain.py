"""Measures what MFM's frequency modeling costs on top of its backbone, side by side.

For one config, in one process, interleaved over several repeats (median and spread):

(a) the full MFM train step (preprocess, corrupt, encode, decode, spectral loss, backward, step);
(b) the same backbone and decoder with a plain pixel L2 loss and no corruption;
(c) the corruption alone;  (d) the spectral loss alone (forward + backward);
(e) the data pipeline per image, with and without ``FrequencyMaskGenerator``;
(f) the same MFM step with mmpretrain's stock backbone (explicit attention / NCHW, eager),
    its weights loaded strictly from the fast one.

(a), (b) and (f) use the config's backbone (the fast path: fused attention, channels-last
ResNet), optionally compiled with ``--compile``. Prints the ratios (a)/(b), (a)/(f) and
(e with)/(e without), the train-step FLOPs (matmuls and convolutions of encoder + decoder,
forward + backward, counted by ``torch.utils.flop_counter`` on the stock model), the achieved
TFLOP/s and, with a known peak (``--peak-tflops`` or the GPU table), the MFU, and the peak
memory. Works on CPU and CUDA; ``--json`` writes the numbers for ``gpu_check.sh``.

Example::

    python tools/analysis_tools/benchmark_pretrain.py configs/mfm_vit-s_300e.py --batch-size 8
"""
import argparse
import copy
import json
import resource
import statistics
import tempfile
import time
from typing import Callable, Dict, List, Optional

import numpy as np
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
from mfm_mm.engine.hooks import compile_modules
from mfm_mm.models.utils import to_fft_layout
from mfm_mm.engine.runner import adapt_to_cpu, load_config

# The project's fast backbones -> (mmpretrain's stock class, the options it does not have).
BEIT_OPTIONS = ('fused_attn', 'init_style', 'init_std')
STOCK_BACKBONES = {
    'FusedBEiTViT': ('BEiTViT', BEIT_OPTIONS),
    'FusedBEiTPretrainViT': ('BEiTPretrainViT', BEIT_OPTIONS),
    'ChannelsLastResNet': ('ResNet', ('channels_last', )),
}
# Dense fp16 / bf16 tensor-core peaks (vendor datasheets, TFLOP/s), by device-name substring.
PEAK_TFLOPS = {
    'H200': 989., 'H100 PCIe': 756., 'H100': 989., 'A100': 312., 'L40S': 362., 'L4': 121.,
    'A10': 125., 'V100': 125., 'T4': 65.,
}

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
    parser.add_argument('--compile', metavar='BACKEND',
                        help='torch.compile the fast model\'s backbone and neck (e.g. inductor)')
    parser.add_argument('--peak-tflops', type=float,
                        help='peak TFLOP/s of the device for the MFU (default: the GPU table)')
    parser.add_argument('--json', help='also write the numbers to this JSON file')
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

    def ratio(self, numerator: str, denominator: str) -> float:
        """Median over rounds of the ratio of two interleaved variants' times."""
        return statistics.median(
            a / b for a, b in zip(self.samples[numerator], self.samples[denominator]))

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


def stock_model_cfg(model_cfg):
    """The model config with mmpretrain's stock backbone in place of the project's fast one."""
    stock = copy.deepcopy(model_cfg)
    backbone_type = stock.backbone.type
    if backbone_type not in STOCK_BACKBONES:
        raise ValueError(f'benchmark_pretrain: no stock counterpart for backbone '
                         f'{backbone_type!r}; expected one of {sorted(STOCK_BACKBONES)}')
    stock.backbone.type, options = STOCK_BACKBONES[backbone_type]
    for option in options:
        stock.backbone.pop(option, None)
    return stock


def peak_tflops(device: torch.device, given: Optional[float]) -> Optional[float]:
    """``given``, else the table's peak for this CUDA device (longest name match), else None."""
    if given is not None or device.type != 'cuda':
        return given
    name = torch.cuda.get_device_name(device)
    matches = [key for key in PEAK_TFLOPS if key in name]
    return PEAK_TFLOPS[max(matches, key=len)] if matches else None


def train_flops_per_image(model, inputs: torch.Tensor) -> float:
    """Matmul + conv FLOPs of encoder and decoder, forward + backward, for one image.

    Args:
        model: An MFM model with ``backbone`` and ``neck``, explicit attention (the stock
            one), so that every attention product is a counted ``bmm``.
        inputs: A preprocessed batch; its first image is used.

    Returns:
        FLOPs (a multiply-add counts 2).
    """
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        model.neck(model.backbone(inputs[:1])[-1]).float().square().mean().backward()
    model.zero_grad(set_to_none=True)
    return float(counter.get_total_flops())


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
    stock = MODELS.build(stock_model_cfg(cfg.model)).to(device)
    stock.load_state_dict(model.state_dict(), strict=True)
    stock.train()
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    optim_cfg.type = 'OptimWrapper'
    optim_wrapper = build_optim_wrapper(model, optim_cfg)
    stock_optim_wrapper = build_optim_wrapper(stock, copy.deepcopy(optim_cfg))
    autocast = dict(device_type=device.type, enabled=args.amp != 'none',
                    dtype=torch.float16 if args.amp == 'fp16' else torch.bfloat16)
    data = model.data_preprocessor(batch, True)
    inputs, samples = data['inputs'], data['data_samples']
    keep = to_fft_layout(torch.stack([s.freq_mask for s in samples]).to(device))
    flops_per_image = train_flops_per_image(stock, inputs)
    if args.compile:
        compile_modules(model, ('backbone', 'neck'), backend=args.compile)

    def mfm_step():
        with torch.autocast(**autocast):
            model.train_step(batch, optim_wrapper)

    def stock_step():
        with torch.autocast(**autocast):
            stock.train_step(batch, stock_optim_wrapper)

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
        '(f) MFM step, stock backbone': stock_step,
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
    crop = {'img': np.zeros((*inputs.shape[-2:], 3), np.uint8)}  # the transform reads its size
    start = time.perf_counter()
    for _ in range(10000):
        mask_transform(dict(crop))
    mask_seconds = (time.perf_counter() - start) / 10000

    per_image = {'(e) pipeline with mask', '(e) pipeline without mask'}
    print(f'\nconfig {args.config}, device {device}, batch {args.batch_size}, '
          f'input {tuple(inputs.shape[-2:])}, amp {args.amp}, compile {args.compile}, '
          f'repeats {args.repeats} (median, +- half range; pipeline: {args.pipeline_rounds} '
          f'rounds), {torch.get_num_threads()} threads')
    for name in variants:
        scale, unit = (1e3 / args.pipeline_images, 'ms/image') if name in per_image \
            else (1e3, 'ms')
        memory = f'  peak {timer.peak_mb[name]:.0f} MiB' if name in timer.peak_mb else ''
        print(f'{name:30s} {timer.median(name) * scale:10.3f} +- '
              f'{timer.spread(name) * scale:.3f} {unit}{memory}')
    step, stock_step_s = timer.median('(a) MFM train step'), timer.median(
        '(f) MFM step, stock backbone')
    peak = peak_tflops(device, args.peak_tflops)
    results = dict(
        config=args.config, device=str(device), device_name=torch.cuda.get_device_name(device)
        if device.type == 'cuda' else 'cpu', amp=args.amp, compile=args.compile,
        batch_size=args.batch_size, threads=torch.get_num_threads(),
        step_ms={name: timer.median(name) * 1e3 for name in steps},
        ratio_mfm_pixel=timer.ratio('(a) MFM train step', '(b) pixel-L2 train step'),
        ratio_fast_stock=timer.ratio('(a) MFM train step', '(f) MFM step, stock backbone'),
        frequency_share=(timer.median('(c) corruption')
                         + timer.median('(d) spectral loss fwd+bwd')) / step,
        images_per_s=args.batch_size / step, stock_images_per_s=args.batch_size / stock_step_s,
        gflop_per_image=flops_per_image / 1e9,
        tflop_per_s=flops_per_image * args.batch_size / step / 1e12,
        stock_tflop_per_s=flops_per_image * args.batch_size / stock_step_s / 1e12,
        peak_tflops=peak, peak_mib=timer.peak_mb.get('(a) MFM train step'),
        stock_peak_mib=timer.peak_mb.get('(f) MFM step, stock backbone'))
    results['mfu'] = results['tflop_per_s'] / peak if peak else None
    print('\nratios are medians of the per-round ratios of interleaved runs')
    print(f'ratio (a)/(b) train step MFM / pixel-L2:          {results["ratio_mfm_pixel"]:.4f}')
    print(f'ratio (a)/(f) fast / stock-backbone MFM step:      {results["ratio_fast_stock"]:.4f}')
    print(f'ratio (c+d)/(a) frequency work in the step:       {results["frequency_share"]:.4f}')
    print(f'ratio (e) pipeline with / without mask transform: '
          f'{timer.median("(e) pipeline with mask") / timer.median("(e) pipeline without mask"):.4f}')
    print(f'mask transform alone: {mask_seconds * 1e6:.2f} us/image = '
          f'{mask_seconds * args.pipeline_images / timer.median("(e) pipeline without mask"):.4f} '
          'of the pipeline per image')
    print(f'throughput (a): {results["images_per_s"]:.1f} images/s, (f): '
          f'{results["stock_images_per_s"]:.1f} images/s')
    print(f'train-step FLOPs (encoder + decoder matmuls and convs, fwd + bwd): '
          f'{results["gflop_per_image"]:.2f} GFLOP/image; achieved (a) '
          f'{results["tflop_per_s"]:.3f} TFLOP/s, (f) {results["stock_tflop_per_s"]:.3f} TFLOP/s')
    if peak:
        print(f'MFU (a): {results["mfu"]:.3f} of {peak:.0f} TFLOP/s ({results["device_name"]})')
    print(f'peak host memory (process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB')
    if args.json:
        with open(args.json, 'w') as file:
            json.dump(results, file, indent=1)

if __name__ == '__main__':
    main()
