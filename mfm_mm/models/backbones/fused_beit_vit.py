"""mmpretrain's BEiT ViTs with switches for fused attention and for the BEiT code's init."""
from mmpretrain.models import BEiTPretrainViT, BEiTViT
from mmpretrain.registry import MODELS

from .beit_init import BEiTInitMixin
from .fused_beit_attention import fuse_beit_attention


class FusedAttentionMixin:
    """Builds the BEiT backbone it precedes, then fuses its blocks' attention if asked.

    Args:
        *args: The backbone's arguments.
        fused_attn: ``FusedBEiTAttention`` (``F.scaled_dot_product_attention``) in every
            block; ``False`` keeps mmpretrain's explicit ``BEiTAttention``.
        **kwargs: The backbone's keyword arguments.
    """

    def __init__(self, *args, fused_attn: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fused_attn = fused_attn
        if fused_attn:
            fuse_beit_attention(self.layers)


@MODELS.register_module()
class FusedBEiTViT(BEiTInitMixin, FusedAttentionMixin, BEiTViT):
    """``BEiTViT`` with ``fused_attn`` (default ``True``, see ``FusedAttentionMixin``) and
    ``init_style`` (default ``'mmpretrain'``, see ``BEiTInitMixin``).

    State-dict names are ``BEiTViT``'s, so checkpoints load strictly into either class.
    """


@MODELS.register_module()
class FusedBEiTPretrainViT(BEiTInitMixin, FusedAttentionMixin, BEiTPretrainViT):
    """``BEiTPretrainViT`` (mask token) with ``fused_attn`` and ``init_style``.

    State-dict names are ``BEiTPretrainViT``'s, so checkpoints load strictly into either class.
    """
