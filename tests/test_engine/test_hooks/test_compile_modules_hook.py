"""CompileModulesHook: compiled encoder + decoder give the eager numbers, names unchanged."""
import copy
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger
from mmpretrain.models.necks import SimMIMLinearDecoder

from conftest import OLD_TORCH_COMPILE
from mfm_mm.engine.hooks import CompileModulesHook, compile_modules
from mfm_mm.engine.hooks.compile_modules_hook import check_backend
from mfm_mm.models.backbones import FusedBEiTViT


class EncoderDecoder(torch.nn.Module):
    """A tiny MFM-like model: fused ViT + linear decoder, the loss outside both."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = FusedBEiTViT(
            arch=dict(embed_dims=32, num_layers=1, num_heads=2, feedforward_channels=64),
            img_size=32, out_type='featmap', use_abs_pos_emb=True, use_rel_pos_bias=False)
        self.neck = SimMIMLinearDecoder(in_channels=32, encoder_stride=16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.neck(self.backbone(x)[-1])


def inductor_usable() -> bool:
    try:
        check_backend('inductor', torch.device('cpu'))
    except RuntimeError:
        return False
    return True


def assert_compiled_equals_eager(backend: str) -> None:
    MMLogger.get_instance('mmengine', log_level='WARNING')
    torch.manual_seed(0)
    eager = EncoderDecoder()
    compiled = copy.deepcopy(eager)
    names = list(compiled.state_dict())
    CompileModulesHook(backend=backend).before_train(SimpleNamespace(model=compiled))
    assert list(compiled.state_dict()) == names  # no _orig_mod. prefix
    x = torch.randn(2, 3, 32, 32)
    out_eager, out_compiled = eager(x), compiled(x)
    assert out_compiled.shape == (2, 3, 32, 32)
    torch.testing.assert_close(out_compiled, out_eager, rtol=1e-5, atol=1e-5)
    (out_eager - x).square().mean().backward()
    (out_compiled - x).square().mean().backward()
    for (name, p_eager), p_compiled in zip(eager.named_parameters(), compiled.parameters()):
        torch.testing.assert_close(p_compiled.grad, p_eager.grad, rtol=1e-4, atol=1e-6,
                                   msg=name)


@pytest.mark.slow
def test_inductor_compiled_encoder_decoder_equals_eager():
    if not inductor_usable():
        pytest.skip('inductor has no C++ compiler here; the aot_eager test covers compile')
    assert_compiled_equals_eager('inductor')


def test_aot_eager_compiled_encoder_decoder_equals_eager():
    assert_compiled_equals_eager('aot_eager')


@pytest.mark.skipif(OLD_TORCH_COMPILE, reason='torch.compile of these modules needs torch >= 2.2')
def test_missing_cpp_compiler_gives_a_clear_error(monkeypatch):
    import torch._inductor.config as inductor_config
    monkeypatch.setattr(inductor_config.cpp, 'cxx', (None, '/nonexistent/g++'))
    with pytest.raises(RuntimeError, match="needs a C\\+\\+ compiler on CPU.*aot_eager"):
        compile_modules(EncoderDecoder(), ['backbone'], backend='inductor')


def test_unknown_module_name_is_named():
    with pytest.raises(ValueError, match="no sub-module 'decoder'"):
        compile_modules(EncoderDecoder(), ['backbone', 'decoder'], backend='aot_eager')
