"""The BEiT code base's ViT initialisation, used by the official MFM and ConMIM code."""
import math
from typing import Sequence

import torch
from torch import nn

TOKENS = ('cls_token', 'pos_embed', 'mask_token')


@torch.no_grad()
def trunc_normal_std_(tensor: torch.Tensor, std: float) -> torch.Tensor:
    """Fills ``tensor`` from N(0, std) truncated at +-std, by the inverse CDF as timm 0.4.12.

    (torch's own ``trunc_normal_`` is a rejection sampler in recent releases: 20 times slower
    at this truncation.)

    Args:
        tensor: The tensor to fill.
        std: The std before truncation; also the bound.

    Returns:
        The tensor.
    """
    bound = math.erf(1 / math.sqrt(2))  # 2 * Phi(1) - 1
    return tensor.uniform_(-bound, bound).erfinv_().mul_(std * math.sqrt(2)).clamp_(-std, std)


def beit_init_(backbone: nn.Module, layers: Sequence[nn.Module], std: float = 0.02) -> None:
    """Initialises a BEiT-style ViT in place as the BEiT / MFM / ConMIM code does.

    Every ``Linear`` and ``Conv2d`` weight and the learnable tokens (``cls_token``,
    ``pos_embed``, ``mask_token``) are drawn from N(0, std) truncated at +-std (timm's
    ``trunc_normal_(a=-std, b=std)``: the actual std is 0.54 * std), biases are 0, LayerNorms
    1 and 0. Then each block's attention output projection and MLP output layer are divided
    by ``sqrt(2 * depth)``, depth 1 for the first block (the code's ``fix_init_weight``).

    Args:
        backbone: The ViT.
        layers: Its blocks, first to last (mmpretrain's ``BEiTTransformerEncoderLayer``:
            ``attn.proj`` and ``ffn.layers[1]``).
        std: The std before truncation.
    """
    for module in backbone.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            trunc_normal_std_(module.weight, std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    for name in TOKENS:
        token = getattr(backbone, name, None)
        if isinstance(token, nn.Parameter) and token.requires_grad:
            trunc_normal_std_(token, std)
    for depth, layer in enumerate(layers, start=1):
        scale = math.sqrt(2.0 * depth)
        layer.attn.proj.weight.data.div_(scale)
        layer.ffn.layers[1].weight.data.div_(scale)


INIT_STYLES = ('mmpretrain', 'beit')


def loads_pretrained(init_cfg) -> bool:
    """Whether an ``init_cfg`` (a dict or a list of dicts) loads pre-trained weights."""
    cfgs = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
    return any(isinstance(cfg, dict) and cfg.get('type') == 'Pretrained' for cfg in cfgs)


class BEiTInitMixin:
    """Adds ``init_style`` to the BEiT backbone it precedes.

    Args:
        *args: The backbone's arguments.
        init_style: ``'beit'`` re-initialises the whole backbone with :func:`beit_init_` after
            mmpretrain's ``init_weights`` (unless ``init_cfg`` loads pre-trained weights);
            ``'mmpretrain'`` keeps mmpretrain's init (TruncNormal / Xavier by ``init_cfg``,
            no depth rescaling in ``BEiTViT``).
        init_std: The std of the ``'beit'`` init.
        **kwargs: The backbone's keyword arguments.
    """

    def __init__(self, *args, init_style: str = 'mmpretrain', init_std: float = 0.02,
                 **kwargs) -> None:
        if init_style not in INIT_STYLES:
            raise ValueError(f'{type(self).__name__}: init_style must be one of {INIT_STYLES}, '
                             f'got {init_style!r}')
        super().__init__(*args, **kwargs)
        self.init_style = init_style
        self.init_std = init_std

    def init_weights(self) -> None:
        """mmpretrain's init, then the BEiT code's when ``init_style='beit'``."""
        first_call = not self._is_init
        super().init_weights()
        if first_call and self.init_style == 'beit' and not loads_pretrained(self.init_cfg):
            beit_init_(self, self.layers, self.init_std)
