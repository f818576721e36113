"""Compiles chosen sub-modules of the model (e.g. encoder and decoder) before training."""
from typing import Sequence

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.model import unwrap_model


def check_backend(backend: str, device: torch.device) -> None:
    """Raises a clear error when ``backend`` cannot compile for ``device``.

    Inductor generates C++ on CPUs and needs a working C++ compiler there.

    Args:
        backend: A ``torch.compile`` backend name.
        device: Where the compiled modules run.
    """
    if backend != 'inductor' or device.type != 'cpu':
        return
    from torch._inductor.cpp_builder import get_cpp_compiler
    try:
        get_cpp_compiler()
    except Exception as error:  # InvalidCxxCompiler, or a broken toolchain
        raise RuntimeError(
            "torch.compile backend 'inductor' needs a C++ compiler on CPU (set CXX or install "
            "g++), or use backend='aot_eager' (traced, not code-generated): "
            f'{error}') from error


def compile_modules(model: torch.nn.Module, names: Sequence[str], **compile_kwargs) -> None:
    """Compiles the sub-modules ``names`` of ``model`` in place (``nn.Module.compile``).

    State-dict names do not change (no ``_orig_mod.`` prefix); methods other than
    ``forward`` (``cls_attention``, ``init_weights``) stay eager, and so does whatever the
    model does between the modules (MFM's FFT corruption and spectral loss).

    Args:
        model: The model, unwrapped.
        names: Dotted sub-module names, e.g. ``('backbone', 'neck')``.
        **compile_kwargs: ``torch.compile`` options (``backend``, ``mode``, ``dynamic`` ...).
    """
    device = next(model.parameters()).device
    check_backend(compile_kwargs.get('backend', 'inductor'), device)
    for name in names:
        try:
            module = model.get_submodule(name)
        except AttributeError as error:
            raise ValueError(f'compile_modules: the model has no sub-module {name!r}') from error
        module.compile(**compile_kwargs)


@HOOKS.register_module()
class CompileModulesHook(Hook):
    """``torch.compile`` of the model's encoder and decoder only, at the start of training.

    Unlike mmengine's ``compile=True`` (which traces the whole ``train_step``), the
    corruption, loss and optimizer step stay eager. Off unless a config lists the hook::

        custom_hooks = [dict(type='CompileModulesHook', modules=('backbone', 'neck'))]

    Args:
        modules: Sub-module names of the model to compile.
        **compile_kwargs: ``torch.compile`` options; ``backend`` defaults to ``'inductor'``.
    """

    priority = 'VERY_LOW'

    def __init__(self, modules: Sequence[str] = ('backbone', 'neck'), **compile_kwargs) -> None:
        self.modules = tuple(modules)
        self.compile_kwargs = compile_kwargs

    def before_train(self, runner) -> None:
        """Compiles the listed sub-modules of the (unwrapped) model."""
        model = unwrap_model(runner.model)
        compile_modules(model, self.modules, **self.compile_kwargs)
