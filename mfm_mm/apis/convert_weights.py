"""Maps backbone weights to the names of mmpretrain classifiers and mmseg segmentors.

Two steps, one module:

- :func:`from_official` renames the weights of an official release (MFM ViT / ResNet-50
  pre-train and fine-tune, timm's ResNet-50 fine-tune, ConMIM and MAE fine-tune, MAE
  pre-train; formats in ``shared/spec/official_checkpoints.md``) to mmpretrain's names:
  ``BEiTViT`` for the q/v-bias ViTs of MFM and ConMIM, ``VisionTransformer`` for MAE's,
  ``ResNet`` for the ResNets, plus the ``LinearClsHead`` of the fine-tuned files. Every
  tensor is either mapped or dropped by an explicit rule (pre-training decoders, MAE's mask
  token); any other name is an error, so nothing is lost silently.
- :func:`to_mmpretrain` / :func:`to_mmseg` name mmpretrain backbone weights as a classifier's
  (same modules, under ``backbone.``) or as mmseg's ``MAE`` ViT / ``ResNet``: for the ViT,
  q/v biases merge into a full ``qkv.bias`` with a zero k part, the position embedding is
  interpolated to the segmentation crop, and the parameters the source does not have are
  written with their identity values (layer scale 1, relative position bias 0), so the
  converted backbone computes the source's features exactly before fine-tuning starts.
"""
import re
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import torch

Weights = Dict[str, torch.Tensor]
HEAD_DIMS = 64  # ViT-S/B/L all use 64 channels per head


# official ViT name -> mmpretrain name, applied in order (timm / BEiT / MAE / MFM share them)
_VIT_RENAMES = (
    (r'^patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^blocks\.(\d+)\.', r'layers.\1.'),
    (r'\.norm1\.', '.ln1.'),
    (r'\.norm2\.', '.ln2.'),
    (r'\.mlp\.fc1\.', '.ffn.layers.0.0.'),
    (r'\.mlp\.fc2\.', '.ffn.layers.1.'),
    (r'^norm\.', 'ln1.'),  # final norm (pre-train, linear probe)
    (r'^fc_norm\.', 'ln2.'),  # mean-pool norm (fine-tuned)
)
_VIT_NAMES = re.compile(
    r'(cls_token|pos_embed|patch_embed\.projection\.(weight|bias)|(ln1|ln2)\.(weight|bias)'
    r'|rel_pos_bias\.relative_position_(bias_table|index)'
    r'|layers\.\d+\.((ln1|ln2|attn\.proj|ffn\.layers\.0\.0|ffn\.layers\.1)\.(weight|bias)'
    r'|attn\.(qkv\.weight|qkv\.bias|q_bias|v_bias|relative_position_(bias_table|index))'
    r'|gamma_1|gamma_2))')
_RESNET_NAMES = re.compile(r'(conv1|bn1|layer[1-4])\..+')
_VIT_HEAD = re.compile(r'head\.(weight|bias)')
_RESNET_HEAD = re.compile(r'fc\.(weight|bias)')
# pre-training parts no downstream model has: MFM's decoder, MAE's decoder and mask token
_DROPPED = re.compile(r'(decoder|mask_token)')


@dataclass
class Release:
    """The backbone (and classifier head) of a checkpoint, in mmpretrain's names.

    Attributes:
        format: What was detected, e.g. ``"MFM ViT pre-train (official, 'model')"``.
        family: ``'beit'`` (``BEiTViT``: MFM, ConMIM), ``'vit'`` (``VisionTransformer``: MAE)
            or ``'resnet'``.
        backbone: Backbone tensors without prefix.
        head: ``LinearClsHead`` tensors without ``head.`` (``fc.weight``, ``fc.bias``).
        dropped: Source names deliberately not mapped (pre-training decoders).
    """

    format: str
    family: str
    backbone: Weights
    head: Weights = field(default_factory=dict)
    dropped: List[str] = field(default_factory=list)

    @property
    def official(self) -> bool:
        """Whether the weights came from an official release (not from this project)."""
        return 'official' in self.format

    @property
    def fine_tuned(self) -> bool:
        """Whether the release carries a classifier head."""
        return bool(self.head)


def family_of(weights: Weights) -> str:
    """The backbone family of mmpretrain-named weights (see :attr:`Release.family`)."""
    if 'layers.0.attn.q_bias' in weights:
        return 'beit'
    return 'vit' if is_vit(weights) else 'resnet'


def _official_name(weights: Weights) -> Tuple[str, str]:
    """Names the release a state dict comes from and its backbone family."""
    pretrain = any(key.startswith('encoder.') for key in weights)
    stage = 'pre-train' if pretrain else 'fine-tuned'
    if 'conv1.weight' in weights or 'encoder.conv1.weight' in weights:
        return ('MFM ResNet-50 pre-train' if pretrain else 'timm ResNet-50 fine-tuned'), 'resnet'
    if 'blocks.0.attn.qkv.bias' in weights:
        return ('MAE ViT fine-tuned' if 'head.weight' in weights else 'MAE ViT pre-train'), 'vit'
    if 'blocks.0.attn.q_bias' in weights or 'encoder.blocks.0.attn.q_bias' in weights:
        conmim = any('gamma_1' in key or 'relative_position_bias_table' in key for key in weights)
        return (f'ConMIM ViT {stage}' if conmim else f'MFM ViT {stage}'), 'beit'
    raise KeyError('no ViT (blocks.0.attn.qkv) or ResNet (conv1) tensors')


def from_official(weights: Weights, source: str) -> Release:
    """Renames an official release's state dict to mmpretrain's names.

    Args:
        weights: The release's tensors (the ``model`` / ``module`` / ``state_dict`` entry).
        source: How the file stored them, for :attr:`Release.format` (e.g. ``"'model'"``).

    Returns:
        The release. A shared relative position bias (BEiT-style pre-training) is copied
        into every block, so the result loads strictly into a per-block ``BEiTViT``.

    Raises:
        KeyError: Not an official ViT / ResNet state dict, or a tensor no rule covers.
    """
    name, family = _official_name(weights)
    release = Release(format=f'{name} (official, weights under {source})', family=family,
                      backbone={})
    head_names, names = (_RESNET_HEAD, _RESNET_NAMES) if family == 'resnet' else (_VIT_HEAD,
                                                                                  _VIT_NAMES)
    for key, value in weights.items():
        mapped = key[len('encoder.'):] if key.startswith('encoder.') else key
        if _DROPPED.match(mapped):
            release.dropped.append(key)
            continue
        if head_names.fullmatch(mapped):
            release.head[f'fc.{mapped.split(".")[-1]}'] = value
            continue
        if family != 'resnet':
            for pattern, replacement in _VIT_RENAMES:
                mapped = re.sub(pattern, replacement, mapped)
        if not names.fullmatch(mapped):
            raise KeyError(f'tensor {key} ({name} format) has no mmpretrain name')
        release.backbone[mapped] = value
    shared = 'rel_pos_bias.relative_position_bias_table'
    if shared in release.backbone:
        table = release.backbone.pop(shared)
        index = release.backbone.pop('rel_pos_bias.relative_position_index', None)
        for layer in range(vit_arch(release.backbone)['num_layers']):
            release.backbone[f'layers.{layer}.attn.relative_position_bias_table'] = table.clone()
            if index is not None:
                release.backbone[f'layers.{layer}.attn.relative_position_index'] = index.clone()
    return release


def to_classifier(release: Release) -> Weights:
    """The state dict of an mmpretrain ``ImageClassifier`` (backbone and head).

    Args:
        release: Weights in mmpretrain names.

    Returns:
        ``backbone.*`` and, for fine-tuned releases, ``head.fc.*`` tensors.
    """
    weights = to_mmpretrain(release.backbone)
    weights.update({f'head.{key}': value for key, value in release.head.items()})
    return weights


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
    return 'patch_embed.projection.weight' in weights


def vit_arch(weights: Weights) -> dict:
    """Reads a ViT's arch from its weights (64 channels per attention head).

    Args:
        weights: ``BEiTViT`` backbone tensors without prefix.

    Returns:
        ``dict(embed_dims, num_layers, num_heads, feedforward_channels)``, as ``BEiTViT``'s
        ``arch`` takes it.
    """
    embed_dims = weights['cls_token'].shape[-1]
    return dict(
        embed_dims=embed_dims,
        num_layers=len({key.split('.')[1] for key in weights if key.startswith('layers.')}),
        num_heads=embed_dims // HEAD_DIMS,
        feedforward_channels=weights['layers.0.ffn.layers.0.0.weight'].shape[0])


def _relative_position_index(grid: Tuple[int, int], num_heads: int) -> torch.Tensor:
    """mmseg's relative position index for a ``grid`` of patches (+ the class token)."""
    from mmseg.models.backbones.beit import BEiTAttention
    with warnings.catch_warnings():  # mmseg calls torch.meshgrid without indexing='ij'
        warnings.filterwarnings('ignore', message='torch.meshgrid', category=UserWarning)
        attention = BEiTAttention(embed_dims=num_heads, num_heads=num_heads, window_size=grid)
    return attention.relative_position_index


def to_mmseg(weights: Weights, img_size: int = 512, num_heads: Optional[int] = None) -> Weights:
    """Converts backbone weights for mmseg's ``MAE`` (ViT) or ``ResNet`` backbone.

    Args:
        weights: Backbone tensors without prefix (``BEiTViT``, ``VisionTransformer`` or
            ``ResNet`` names; a ``VisionTransformer``'s full ``qkv.bias`` is kept).
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


def release_to_mmseg(release: Release, img_size: int = 512,
                     num_heads: Optional[int] = None) -> Weights:
    """Converts a pre-trained release for mmseg's ``MAE`` (ViT) or ``ResNet`` backbone.

    Args:
        release: Weights in mmpretrain names (:func:`from_official` or this project's).
        img_size: Side of the segmentation crop (see :func:`to_mmseg`).
        num_heads: Attention heads of the ViT; default ``embed_dims // 64``.

    Returns:
        Tensors named as the mmseg backbone's state dict (no prefix; a ResNet's head dropped).

    Raises:
        ValueError: A fine-tuned ViT (no final norm, which UperNet's last stage uses) or a
            ConMIM ViT (its UperNet config reads mmpretrain's ``BEiTViT`` names).
    """
    if release.family == 'resnet':
        return dict(release.backbone)
    if any('gamma_1' in key or 'relative_position_bias_table' in key for key in release.backbone):
        raise ValueError('a ConMIM ViT: its UperNet config (configs/conmim/benchmarks/) uses '
                         "mmpretrain's BEiTViT, convert with mfm2mmpretrain.py instead")
    if 'ln1.weight' not in release.backbone:
        raise ValueError('a fine-tuned ViT, without the final norm that the UperNet recipe '
                         'keeps from pre-training: convert the pre-trained release instead')
    return to_mmseg(release.backbone, img_size=img_size, num_heads=num_heads)
