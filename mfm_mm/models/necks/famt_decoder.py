"""MAE's decoder fed only with visible and masked tokens (FAMT throws the rest away)."""
import torch
from mmpretrain.models import MAEPretrainDecoder
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FAMTPretrainDecoder(MAEPretrainDecoder):
    """``MAEPretrainDecoder`` that decodes a subset of the patches.

    MAE's decoder restores all ``L`` tokens (mask tokens for the hidden ones); here the
    sequence is the encoded visible tokens followed by one mask token per masked patch, each
    with the position embedding of its own patch. Thrown patches get no token at all.
    """

    def forward(self, x: torch.Tensor, ids_decode: torch.Tensor) -> torch.Tensor:
        """Predicts the pixels of the visible and masked patches.

        Args:
            x: Encoder tokens ``(N, 1 + V, C)``, CLS first.
            ids_decode: Patch indices ``(N, V + M)``: the ``V`` visible ones in the order of
                ``x``, then the ``M`` masked ones.

        Returns:
            Predictions ``(N, V + M, patch_size**2 * in_chans)`` in the order of ``ids_decode``.
        """
        x = self.decoder_embed(x)  # (N, 1 + V, D)
        num_masked = ids_decode.shape[1] - (x.shape[1] - 1)
        mask_tokens = self.mask_token.expand(len(x), num_masked, -1)
        patches = torch.cat([x[:, 1:], mask_tokens], dim=1)  # (N, V + M, D)
        pos_embed = self.decoder_pos_embed[:, 1:].expand(len(x), -1, -1)  # (N, L, D)
        patches = patches + pos_embed.gather(
            1, ids_decode[..., None].expand(-1, -1, pos_embed.shape[-1]))
        x = torch.cat([x[:, :1] + self.decoder_pos_embed[:, :1], patches], dim=1)
        for block in self.decoder_blocks:
            x = block(x)
        x = self.decoder_pred(self.decoder_norm(x))
        return x[:, 1:]  # (N, V + M, P)
