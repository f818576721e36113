"""MAE's ViT that encodes a given set of visible patches and reports its CLS attention."""
from typing import Optional, Tuple, Union

import torch
from mmpretrain.models import MAEViT
from mmpretrain.registry import MODELS

from ..utils.famt_weights import minmax_normalise


@MODELS.register_module()
class FAMTViT(MAEViT):
    """``MAEViT`` whose visible patches are chosen by the caller (FAMT's sampler).

    Everything else (architecture, weights, sine-cosine position embedding, ``mask=None``
    feature extraction, MAE's own random masking) is ``MAEViT``'s, so checkpoints load into
    ``MAEViT`` / ``VisionTransformer`` unchanged.
    """

    def forward(self, x: torch.Tensor, mask: Optional[bool] = True,
                ids_keep: Optional[torch.Tensor] = None
                ) -> Union[Tuple[torch.Tensor, ...], torch.Tensor]:
        """Encodes the patches ``ids_keep`` (or behaves as ``MAEViT`` without them).

        Args:
            x: Images ``(N, C, H, W)``.
            mask: As ``MAEViT``: ``None`` / ``False`` extracts features of whole images.
            ids_keep: Indices ``(N, V)`` of the visible patches in row-major patch order.

        Returns:
            With ``ids_keep``: the normalised tokens ``(N, 1 + V, C')``, CLS first; otherwise
            ``MAEViT``'s outputs.
        """
        if ids_keep is None or not mask:
            return super().forward(x, mask)
        tokens = self.patch_embed(x)[0] + self.pos_embed[:, 1:]  # (N, L, C')
        tokens = tokens.gather(1, ids_keep[..., None].expand(-1, -1, tokens.shape[-1]))
        cls_token = (self.cls_token + self.pos_embed[:, :1]).expand(len(x), -1, -1)
        tokens = torch.cat([cls_token, tokens], dim=1)  # (N, 1 + V, C')
        for layer in self.layers:
            tokens = layer(tokens)
        return self.norm1(tokens)

    @torch.no_grad()
    def cls_attention(self, x: torch.Tensor) -> torch.Tensor:
        """CLS-to-patch attention of the last block on whole images.

        The softmax attention of the CLS query over all tokens is taken at the last block; the
        patch part of every head is min-max normalised, then the heads are averaged.

        Args:
            x: Images ``(N, C, H, W)`` at the encoder's ``img_size``.

        Returns:
            Maps ``(N, h, w)`` in ``[0, 1]`` on the patch grid.
        """
        last = self.layers[-1]
        captured = []
        handle = last.register_forward_pre_hook(lambda module, args: captured.append(args[0]))
        try:
            super().forward(x, mask=None)
        finally:
            handle.remove()
        tokens = last.ln1(captured[0])  # (N, 1 + L, C')
        attn = last.attn
        q, k = attn.qkv(tokens).unflatten(-1, (3, attn.num_heads, attn.head_dims)).unbind(2)[:2]
        q, k = q[:, :1].transpose(1, 2), k.transpose(1, 2)  # (N, h, 1, d), (N, h, 1 + L, d)
        weights = (q @ k.transpose(-2, -1) * attn.head_dims**-0.5).softmax(-1)  # (N, h, 1, 1+L)
        maps = weights[:, :, 0, 1:].unflatten(-1, self.patch_resolution)  # (N, heads, h, w)
        return minmax_normalise(maps).mean(1)
