"""benchmark_pretrain.py: the stock counterpart, FLOP count, peak table and an end-to-end run."""
import importlib.util
import json
import os.path as osp

import pytest
import torch
from conftest import PYTHON, REPO, run_tool
from mmengine.config import ConfigDict
from mmpretrain.registry import MODELS

spec = importlib.util.spec_from_file_location(
    'benchmark_pretrain', osp.join(REPO, 'tools', 'analysis_tools', 'benchmark_pretrain.py'))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

D, TOKENS, PATCHES, HIDDEN = 32, 5, 4, 64  # 32 px / 16 px patches = 2 x 2 patches + CLS
TINY_MFM = ConfigDict(
    type='MFM',
    backbone=dict(type='FusedBEiTViT', fused_attn=True,
                  arch=dict(embed_dims=D, num_layers=1, num_heads=2, feedforward_channels=HIDDEN),
                  img_size=32, patch_size=16, out_type='featmap', use_abs_pos_emb=True,
                  use_rel_pos_bias=False, layer_scale_init_value=0.),
    neck=dict(type='SimMIMLinearDecoder', in_channels=D, encoder_stride=16),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))


def test_stock_model_cfg_swaps_every_fast_backbone_and_names_unknown_ones():
    stock = bench.stock_model_cfg(TINY_MFM)
    assert stock.backbone.type == 'BEiTViT' and 'fused_attn' not in stock.backbone
    assert TINY_MFM.backbone.type == 'FusedBEiTViT'  # the config itself is left alone
    resnet = ConfigDict(backbone=dict(type='ChannelsLastResNet', channels_last=True, depth=18))
    assert bench.stock_model_cfg(resnet).backbone == dict(type='ResNet', depth=18)
    with pytest.raises(ValueError, match="no stock counterpart for backbone 'SwinTransformer'"):
        bench.stock_model_cfg(ConfigDict(backbone=dict(type='SwinTransformer')))


def test_train_flops_match_the_hand_count():
    model = MODELS.build(bench.stock_model_cfg(TINY_MFM))
    patch_conv = 2 * 3 * 16 * 16 * D * PATCHES
    block = 2 * TOKENS * D * (3 * D + D + 2 * HIDDEN) + 2 * 2 * TOKENS * TOKENS * D
    decoder = 2 * D * 16 * 16 * 3 * PATCHES  # 1 x 1 conv to 16^2 * 3 channels
    forward = patch_conv + block + decoder
    # backward: twice the forward, except the image needs no gradient
    expected = 3 * forward - patch_conv
    flops = bench.train_flops_per_image(model, torch.randn(3, 3, 32, 32))
    assert flops == expected
    assert all(p.grad is None for p in model.parameters())


def test_peak_table_prefers_the_longest_name_and_the_given_value(monkeypatch):
    cuda = torch.device('cuda')
    monkeypatch.setattr(torch.cuda, 'get_device_name', lambda device=None: 'NVIDIA A100-SXM4-80GB')
    assert bench.peak_tflops(cuda, None) == 312.
    monkeypatch.setattr(torch.cuda, 'get_device_name', lambda device=None: 'NVIDIA H100 PCIe')
    assert bench.peak_tflops(cuda, None) == 756.
    monkeypatch.setattr(torch.cuda, 'get_device_name', lambda device=None: 'Some Future GPU')
    assert bench.peak_tflops(cuda, None) is None
    assert bench.peak_tflops(cuda, 100.) == 100.
    assert bench.peak_tflops(torch.device('cpu'), None) is None


def test_timer_ratio_is_the_median_of_per_round_ratios():
    timer = bench.Timer(torch.device('cpu'))
    timer.samples = {'a': [1., 2., 9.], 'b': [2., 2., 3.]}
    assert timer.ratio('a', 'b') == 1.  # rounds: 0.5, 1, 3
    assert timer.median('a') / timer.median('b') == 1.


@pytest.mark.slow
def test_benchmark_runs_on_cpu_and_writes_the_numbers(tmp_path, tiny_imagenet):
    out = tmp_path / 'bench.json'
    proc = run_tool(
        [PYTHON, 'tools/analysis_tools/benchmark_pretrain.py',
         'configs/demo/mfm_vit-tiny-p16_cpu-demo_128px.py', '--device', 'cpu',
         '--batch-size', '2', '--repeats', '2', '--warmup', '1', '--pipeline-images', '2',
         '--pipeline-rounds', '2', '--data-root', tiny_imagenet, '--json', str(out),
         '--cfg-options', 'model.backbone.arch.num_layers=2', 'model.backbone.img_size=64',
         'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale=64',
         'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.input_size=64',
         'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.radius=4'],
        env=dict(OMP_NUM_THREADS='1'))
    assert 'ratio (a)/(f) fast / stock-backbone MFM step' in proc.stdout
    results = json.loads(out.read_text())
    assert results['device'] == 'cpu' and results['batch_size'] == 2 and results['threads'] == 1
    assert set(results['step_ms']) == {
        '(a) MFM train step', '(b) pixel-L2 train step', '(c) corruption',
        '(d) spectral loss fwd+bwd', '(f) MFM step, stock backbone'}
    assert results['ratio_fast_stock'] > 0 and results['mfu'] is None
    # ViT-Tiny/16 at 64 px, 2 blocks: 16 patches + CLS, 192 dims; decoder 192 -> 768 channels
    tokens, dims = 17, 192
    forward = (2 * 768 * dims * 16 + 2 * (2 * tokens * dims * (4 * dims + 2 * 4 * dims)
                                         + 4 * tokens * tokens * dims) + 2 * dims * 768 * 16)
    assert results['gflop_per_image'] * 1e9 == pytest.approx(3 * forward - 2 * 768 * dims * 16)
