"""FAMTViT: encodes the chosen patches like MAEViT, reports last-block CLS attention."""
import torch
import torch.nn.functional as F
from mmpretrain.models import MAEViT

from mfm_mm.models.backbones import FAMTViT

ARCH = dict(embed_dims=64, num_layers=2, num_heads=4, feedforward_channels=128)


def tiny_vit() -> FAMTViT:
    torch.manual_seed(0)
    vit = FAMTViT(arch=ARCH, img_size=64, patch_size=16)
    vit.eval()
    return vit


def test_all_patches_kept_equals_whole_image_features():
    vit, x = tiny_vit(), torch.randn(2, 3, 64, 64)
    ids = torch.arange(16).expand(2, -1)
    assert torch.allclose(vit(x, ids_keep=ids), vit(x, mask=None)[0], atol=1e-6)


def test_visible_subset_equals_mae_vit_with_the_same_patches():
    vit, x = tiny_vit(), torch.randn(2, 3, 64, 64)
    mae = MAEViT(arch=ARCH, img_size=64, patch_size=16, mask_ratio=0.75)
    mae.load_state_dict(vit.state_dict())
    mae.eval()
    torch.manual_seed(1)
    latent, mask, ids_restore = mae(x)  # MAE's own random 25%
    ids_keep = ids_restore.argsort(1)[:, :4]  # the 4 patches MAE kept, in its order
    assert torch.allclose(vit(x, ids_keep=ids_keep), latent, atol=1e-6)
    assert (mask.gather(1, ids_keep) == 0).all()


def test_cls_attention_is_the_last_block_softmax_min_max_per_head():
    vit, x = tiny_vit(), torch.randn(3, 3, 64, 64)
    maps = vit.cls_attention(x)
    assert maps.shape == (3, 4, 4)
    # Reference: run the blocks by hand and write the attention out in full.
    tokens = vit.patch_embed(x)[0]
    tokens = torch.cat([vit.cls_token.expand(3, -1, -1), tokens], 1) + vit.pos_embed
    tokens = vit.layers[0](tokens)
    last = vit.layers[1]
    q, k, _ = last.attn.qkv(last.ln1(tokens)).reshape(3, 17, 3, 4, 16).permute(2, 0, 3, 1, 4)
    attn = torch.softmax(q @ k.transpose(-1, -2) / 4., dim=-1)[:, :, 0, 1:]  # (3, 4 heads, 16)
    low, high = attn.min(-1, keepdim=True).values, attn.max(-1, keepdim=True).values
    expected = ((attn - low) / (high - low)).mean(1).reshape(3, 4, 4)
    assert torch.allclose(maps, expected, atol=1e-5)
    assert maps.min() >= 0 and maps.max() <= 1


def test_blocks_already_use_fused_attention():
    # mmpretrain's MultiheadAttention calls F.scaled_dot_product_attention (torch >= 2), so
    # FAMT's encoder is fused as it is; only cls_attention writes the CLS row out.
    vit = tiny_vit()
    assert all(layer.attn.scaled_dot_product_attention is F.scaled_dot_product_attention
               for layer in vit.layers)
