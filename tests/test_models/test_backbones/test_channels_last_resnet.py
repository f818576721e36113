"""ChannelsLastResNet: stock ResNet numbers and state dict, NHWC weights and activations."""
import torch
from mmpretrain.models import ResNet

from mfm_mm.models.backbones import ChannelsLastResNet


def test_channels_last_resnet_equals_stock_and_stays_nhwc():
    torch.manual_seed(0)
    stock = ResNet(depth=18, out_indices=(3, ))
    stock.init_weights()
    fast = ChannelsLastResNet(depth=18, out_indices=(3, ))
    fast.init_weights()
    fast.load_state_dict(stock.state_dict(), strict=True)
    stock.load_state_dict(fast.state_dict(), strict=True)
    conv = fast.conv1.weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()
    x = torch.randn(2, 3, 64, 64)
    out_stock, out_fast = stock(x)[0], fast(x)[0]
    assert out_fast.shape == (2, 512, 2, 2)
    assert out_fast.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(out_fast, out_stock, rtol=1e-5, atol=1e-5)
    out_stock.sum().backward()
    out_fast.sum().backward()
    scale = stock.conv1.weight.grad.abs().max()  # fp32 sums in another order
    torch.testing.assert_close(fast.conv1.weight.grad / scale, stock.conv1.weight.grad / scale,
                               rtol=1e-5, atol=1e-5)


def test_channels_last_false_is_the_stock_layout():
    resnet = ChannelsLastResNet(depth=18, channels_last=False)
    assert resnet.conv1.weight.is_contiguous()
