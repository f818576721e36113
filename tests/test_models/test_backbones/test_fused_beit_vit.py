"""Fused BEiT ViTs: the stock backbones' outputs, gradients and state dicts."""
import pytest
import torch
from mmengine.logging import MMLogger
from mmpretrain.models import BEiTPretrainViT, BEiTViT
from mmpretrain.models.utils import BEiTAttention

from mfm_mm.models.backbones import FusedBEiTAttention, FusedBEiTPretrainViT, FusedBEiTViT

SIZE = 64  # a 4 x 4 patch grid keeps ViT-S/16 (384 dims, 12 blocks, 6 heads) fast
POSITIONS = {
    'absolute (MFM)': dict(use_abs_pos_emb=True, use_rel_pos_bias=False),
    'relative per block': dict(use_rel_pos_bias=True),
    'relative shared (ConMIM)': dict(use_rel_pos_bias=False, use_shared_rel_pos_bias=True),
}


def vit_pair(stock_cls, fused_cls, **kwargs):
    """A stock ViT-S/16 with random weights (random biases too) and its fused copy."""
    MMLogger.get_instance('mmengine', log_level='WARNING')
    torch.manual_seed(0)
    cfg = dict(arch='deit-small', img_size=SIZE, layer_scale_init_value=0.1, **kwargs)
    stock = stock_cls(**cfg)
    stock.init_weights()
    with torch.no_grad():
        for name, tensor in stock.named_parameters():
            if 'bias' in name or 'pos' in name:
                tensor.normal_(std=0.5)  # zero-initialised ones would hide a wrong bias path
    fused = fused_cls(**cfg)
    fused.load_state_dict(stock.state_dict(), strict=True)
    return stock, fused


def assert_same_outputs_and_grads(stock, fused, *inputs):
    out_stock, out_fused = stock(*inputs)[-1], fused(*inputs)[-1]
    assert out_stock.shape == out_fused.shape
    torch.testing.assert_close(out_fused, out_stock, rtol=1e-5, atol=1e-5)
    (out_stock * torch.linspace(-1, 1, out_stock.numel()).view_as(out_stock)).sum().backward()
    (out_fused * torch.linspace(-1, 1, out_fused.numel()).view_as(out_fused)).sum().backward()
    grads = dict(stock.named_parameters())
    for name, param in fused.named_parameters():
        if param.grad is not None or grads[name].grad is not None:
            scale = grads[name].grad.abs().max().clamp(min=1.)
            torch.testing.assert_close(param.grad / scale, grads[name].grad / scale,
                                       rtol=1e-5, atol=1e-5, msg=name)


@pytest.mark.parametrize('position', POSITIONS)
def test_fused_beit_vit_equals_stock_outputs_and_grads(position):
    stock, fused = vit_pair(BEiTViT, FusedBEiTViT, out_type='featmap', **POSITIONS[position])
    assert all(type(layer.attn) is FusedBEiTAttention for layer in fused.layers)
    assert all(type(layer.attn) is BEiTAttention for layer in stock.layers)
    assert_same_outputs_and_grads(stock, fused, torch.randn(2, 3, SIZE, SIZE))


def test_fused_pretrain_vit_equals_stock_with_mask():
    stock, fused = vit_pair(BEiTPretrainViT, FusedBEiTPretrainViT, out_type='raw',
                            **POSITIONS['relative shared (ConMIM)'])
    mask = torch.zeros(2, 4, 4, dtype=torch.bool)
    mask[0, :2], mask[1, 1:, 1:] = True, True
    assert_same_outputs_and_grads(stock, fused, torch.randn(2, 3, SIZE, SIZE), mask)


def test_fused_attention_dropout_is_off_in_eval_and_on_in_train():
    torch.manual_seed(0)
    attn = FusedBEiTAttention(64, 4, window_size=(2, 2), use_rel_pos_bias=True,
                              attn_drop_rate=0.5)
    x = torch.randn(2, 5, 64)
    attn.eval()
    stock = BEiTAttention(64, 4, window_size=(2, 2), use_rel_pos_bias=True).eval()
    stock.load_state_dict(attn.state_dict())
    torch.testing.assert_close(attn(x), stock(x))
    attn.train()
    assert not torch.allclose(attn(x), stock(x))


@pytest.mark.parametrize('position', POSITIONS)
def test_checkpoints_load_strictly_both_ways(position):
    stock, fused = vit_pair(BEiTViT, FusedBEiTViT, **POSITIONS[position])
    assert list(fused.state_dict()) == list(stock.state_dict())
    fresh_stock = BEiTViT(arch='deit-small', img_size=SIZE, **POSITIONS[position])
    fresh_stock.load_state_dict(fused.state_dict(), strict=True)
    for name, tensor in fresh_stock.state_dict().items():
        assert torch.equal(tensor, stock.state_dict()[name]), name


def test_fused_attn_false_is_the_stock_module():
    vit = FusedBEiTViT(arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                                 feedforward_channels=64), img_size=SIZE, fused_attn=False)
    assert not vit.fused_attn
    assert all(type(layer.attn) is BEiTAttention for layer in vit.layers)
