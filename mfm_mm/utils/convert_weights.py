"""Converts MFM backbone weights for mmpretrain classifiers and mmseg segmentors.

MFM's ViT is mmpretrain's ``BEiTViT`` (absolute position embedding, q/v biases, no layer
scale, no relative position bias) and its ResNet is mmpretrain's ``ResNet``.

- mmpretrain: the classifier's backbone is the same module, so the weights keep their names
  under ``backbone.`` (``init_cfg=dict(type='Pretrained', prefix='backbone.')``).
- mmseg: ``ResNet`` has the same names. The ViT becomes mmseg's ``MAE`` backbone (the one
  mmseg's layer-decay constructor and UperNet recipes know): q/v biases merge into a full
  ``qkv.bias`` with a zero k part, the position embedding is interpolated to the segmentation
  crop, and the parameters MFM does not have are written with their identity values (layer
  scale 1, relative position bias 0), so the converted backbone computes MFM's features
  exactly before fine-tuning starts.
"""
from typing import Optional, Tuple

import torch

from .checkpoint import Weights

HEAD_DIMS = 64  # ViT-S/B/L all use 64 channels per head


def to_mmpretrain(weights: Weights) -> Weights:
    """Names backbone weights as an mmpretrain classifier's.

    Args:
        weights: Backbone tensors without prefix.

    Returns:
        The same tensors under ``backbone.``.
    """
    return {f'backbone.{key}': value for key, value in weights.items()}


def is_vit(weights: Weights) -> bool:
    """Whether backbone weights are a ViT's (else a ResNet's)."""
    return 'pos_embed' in weights and 'patch_embed.projection.weight' in weights


def vit_arch(weights: Weights) -> dict:
    """Reads a ViT's arch from its weights (64 channels per attention head).

    Args:
        weights: ``BEiTViT`` backbone tensors without prefix.

    Returns:
        ``dict(embed_dims, num_layers, num_heads, feedforward_channels)``, as ``BEiTViT``'s
        ``arch`` takes it.
    """
    embed_dims = weights['pos_embed'].shape[-1]
    return dict(
        embed_dims=embed_dims,
        num_layers=len({key.split('.')[1] for key in weights if key.startswith('layers.')}),
        num_heads=embed_dims // HEAD_DIMS,
        feedforward_channels=weights['layers.0.ffn.layers.0.0.weight'].shape[0])


def _relative_position_index(grid: Tuple[int, int], num_heads: int) -> torch.Tensor:
    """mmseg's relative position index for a ``grid`` of patches (+ the class token)."""
    from mmseg.models.backbones.beit import BEiTAttention
    attention = BEiTAttention(embed_dims=num_heads, num_heads=num_heads, window_size=grid)
    return attention.relative_position_index


def to_mmseg(weights: Weights, img_size: int = 512, num_heads: Optional[int] = None) -> Weights:
    """Converts MFM backbone weights for mmseg's ``MAE`` (ViT) or ``ResNet`` backbone.

    Args:
        weights: Backbone tensors without prefix (``BEiTViT`` or ``ResNet`` names).
        img_size: Side of the segmentation crop the ViT position embedding is resized to.
        num_heads: Attention heads of the ViT; default ``embed_dims // 64``.

    Returns:
        Tensors named as the mmseg backbone's state dict (no prefix).
    """
    if not is_vit(weights):
        return dict(weights)
    from mmpretrain.models.utils import resize_pos_embed
    arch = vit_arch(weights)
    embed_dims, patch = arch['embed_dims'], weights['patch_embed.projection.weight'].shape[-1]
    num_heads = num_heads or arch['num_heads']
    src_side = int((weights['pos_embed'].shape[1] - 1)**0.5)
    grid = (img_size // patch, img_size // patch)
    index = _relative_position_index(grid, num_heads)
    table_rows = int(index.max()) + 1

    converted = {}
    for key, value in weights.items():
        if key.endswith('attn.v_bias'):
            continue
        if key.endswith('attn.q_bias'):
            attn = key[:-len('q_bias')]
            # (3 * C,): q bias, zero k bias, v bias
            value = torch.cat([value, torch.zeros_like(value), weights[attn + 'v_bias']])
            key = attn + 'qkv.bias'
        converted[key] = value
    # (1, 1 + 14 * 14, C) -> (1, 1 + 32 * 32, C) at 224 -> 512
    converted['pos_embed'] = resize_pos_embed(
        weights['pos_embed'], (src_side, src_side), grid, mode='bicubic', num_extra_tokens=1)
    for layer in range(arch['num_layers']):
        name = f'layers.{layer}'
        converted.setdefault(f'{name}.gamma_1', torch.ones(embed_dims))
        converted.setdefault(f'{name}.gamma_2', torch.ones(embed_dims))
        if f'{name}.attn.relative_position_bias_table' not in converted:
            converted[f'{name}.attn.relative_position_bias_table'] = torch.zeros(
                table_rows, num_heads)
            converted[f'{name}.attn.relative_position_index'] = index
    return converted
