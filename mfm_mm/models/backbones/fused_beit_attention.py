"""BEiT attention computed by ``F.scaled_dot_product_attention`` (fused kernels)."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmpretrain.models.utils import BEiTAttention
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FusedBEiTAttention(BEiTAttention):
    """``BEiTAttention`` whose softmax attention runs in one fused kernel.

    Parameters, buffers and their names are ``BEiTAttention``'s, so the two load each other's
    state dicts strictly. The relative position bias (the block's own table and / or the
    backbone's shared one) is added to the logits by passing it as ``attn_mask``; the
    attention matrix is never materialised where the kernel can avoid it.
    """

    @classmethod
    def from_stock(cls, attn: BEiTAttention) -> 'FusedBEiTAttention':
        """A fused copy of ``attn``: the same options and the same tensors.

        Args:
            attn: A built ``BEiTAttention``.

        Returns:
            The fused module, holding ``attn``'s parameters and buffers.
        """
        fused = cls(
            embed_dims=attn.embed_dims,
            num_heads=attn.num_heads,
            window_size=attn.window_size,
            use_rel_pos_bias=attn.use_rel_pos_bias,
            bias=attn.bias,
            qk_scale=attn.scale,
            attn_drop_rate=attn.attn_drop.p,
            proj_drop_rate=attn.proj_drop.p,
            init_cfg=attn.init_cfg)
        fused.load_state_dict(attn.state_dict())
        return fused

    def own_rel_pos_bias(self) -> Optional[torch.Tensor]:
        """The block's relative position bias ``(heads, 1 + L, 1 + L)``, if it has a table."""
        if self.relative_position_bias_table is None:
            return None
        tokens = self.relative_position_index.shape[0]
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)]
        return bias.view(tokens, tokens, -1).permute(2, 0, 1)

    def forward(self, x: torch.Tensor,
                rel_pos_bias: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Self-attention of ``x``.

        Args:
            x: Tokens ``(B, N, C)``.
            rel_pos_bias: The backbone's shared bias ``(heads, N, N)``, or ``None``.

        Returns:
            Tokens ``(B, N, C)``.
        """
        B, N, C = x.shape
        if self.bias == 'qv_bias':
            k_bias = torch.zeros_like(self.v_bias, requires_grad=False)
            qkv = F.linear(x, self.qkv.weight, torch.cat((self.q_bias, k_bias, self.v_bias)))
        else:
            qkv = self.qkv(x)
        q, k, v = qkv.reshape(B, N, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)  # (B, h, N, d)
        biases = [b for b in (self.own_rel_pos_bias(), rel_pos_bias) if b is not None]
        attn_mask = sum(biases).unsqueeze(0).to(q.dtype) if biases else None  # (1, h, N, N)
        x = F.scaled_dot_product_attention(
            q, k, v, attn_mask=attn_mask, dropout_p=self.attn_drop.p if self.training else 0.,
            scale=self.scale)
        x = self.proj(x.transpose(1, 2).reshape(B, N, C))
        return self.proj_drop(x)


def fuse_beit_attention(layers: torch.nn.ModuleList) -> None:
    """Replaces the ``attn`` of every BEiT block in ``layers`` by its fused copy, in place.

    Args:
        layers: ``BEiTTransformerEncoderLayer`` blocks.
    """
    for layer in layers:
        layer.attn = FusedBEiTAttention.from_stock(layer.attn)
