"""The BEiT code's init: per-module statistics against the official formulas."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

from conftest import REPO

TRUNC_STD = 0.5395685  # std of N(0, 1) truncated at +-1
VIT = dict(type='FusedBEiTViT', img_size=224, patch_size=16, use_abs_pos_emb=True,
           use_rel_pos_bias=False, use_shared_rel_pos_bias=False, layer_scale_init_value=0.0,
           out_type='featmap')
TINY = dict(embed_dims=64, num_layers=2, num_heads=2, feedforward_channels=256)


def assert_std(tensor: torch.Tensor, expected: float, name: str) -> None:
    """Sample std within 4 standard errors of ``expected`` (truncated normal kurtosis < 3)."""
    tolerance = 4 / math.sqrt(2 * tensor.numel())
    assert tensor.std().item() == pytest.approx(expected, rel=tolerance), name


def built(arch, **kwargs) -> torch.nn.Module:
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    backbone = MODELS.build(dict(VIT, arch=arch, **kwargs))
    backbone.init_weights()
    return backbone


@pytest.mark.parametrize('arch', ['deit-small', 'base'])
def test_beit_init_matches_the_official_vit(arch):
    backbone = built(arch, init_style='beit')
    std = 0.02 * TRUNC_STD
    for name in ('cls_token', 'pos_embed'):
        assert_std(getattr(backbone, name), std, name)
        assert getattr(backbone, name).abs().max() <= 0.02
    assert_std(backbone.patch_embed.projection.weight, std, 'patch_embed')
    for depth, layer in enumerate(backbone.layers, start=1):
        assert_std(layer.attn.qkv.weight, std, f'qkv {depth}')
        assert_std(layer.ffn.layers[0][0].weight, std, f'fc1 {depth}')
        assert_std(layer.attn.proj.weight, std / math.sqrt(2 * depth), f'proj {depth}')
        assert_std(layer.ffn.layers[1].weight, std / math.sqrt(2 * depth), f'fc2 {depth}')
        for bias in (layer.attn.q_bias, layer.attn.v_bias, layer.attn.proj.bias,
                     layer.ffn.layers[1].bias):
            assert bias.abs().max() == 0
        assert torch.equal(layer.ln1.weight, torch.ones_like(layer.ln1.weight))


def test_mmpretrain_init_is_one_setting_away():
    backbone = built(dict(TINY, embed_dims=256), init_style='mmpretrain')
    fc2 = backbone.layers[1].ffn.layers[1].weight  # Xavier, not rescaled
    assert_std(fc2, math.sqrt(2 / sum(fc2.shape)), 'xavier fc2')
    assert backbone.cls_token.abs().max() == 0


def test_pretrained_init_cfg_is_not_overwritten(tmp_path):
    source = built(TINY, init_style='beit')
    path = tmp_path / 'backbone.pth'
    torch.save(source.state_dict(), path)
    loaded = built(TINY, init_style='beit',
                   init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    for key, value in source.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


def test_bad_init_style_names_the_option():
    with pytest.raises(ValueError, match="init_style must be one of"):
        built(TINY, init_style='timm')


def test_mfm_resnet50_zero_inits_the_last_bn_of_every_bottleneck():
    cfg = Config.fromfile(f'{REPO}/configs/mfm_resnet50_300e.py')
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    backbone = MODELS.build(dict(cfg.model.backbone, norm_cfg=dict(type='BN')))
    backbone.init_weights()
    blocks = [block for stage in (backbone.layer1, backbone.layer2, backbone.layer3,
                                  backbone.layer4) for block in stage]
    assert len(blocks) == 16
    for block in blocks:
        assert block.norm3.weight.abs().max() == 0 and block.norm1.weight.min() == 1
        conv = block.conv2.weight  # timm: kaiming_normal_(mode='fan_out', nonlinearity='relu')
        assert_std(conv, math.sqrt(2 / (conv.shape[0] * conv.shape[2] * conv.shape[3])), 'conv2')
