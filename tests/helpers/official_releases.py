"""Official release files built from the key lists of shared/spec/official_checkpoints.md
(small widths, random values) and the official models' forward written out by hand."""
import argparse
import sys
import types
from typing import Dict, Optional

import torch
import torch.nn.functional as F

Weights = Dict[str, torch.Tensor]
EMBED, LAYERS, FFN, PATCH = 128, 2, 256, 16  # 2 heads of 64 channels
HEADS = EMBED // 64
NUM_CLASSES = 10
RESNET_BLOCKS, RESNET_WIDTHS = (3, 4, 6, 3), (64, 128, 256, 512)


def _rand(*shape: int) -> torch.Tensor:
    return torch.randn(*shape) * 0.2


def relative_position_index(side: int) -> torch.Tensor:
    """BEiT's index of a side x side grid plus the class token ((N + 1) x (N + 1))."""
    coords = torch.stack(torch.meshgrid(torch.arange(side), torch.arange(side),
                                        indexing='ij')).flatten(1)
    relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + side - 1
    distances = (2 * side - 1)**2 + 3
    index = torch.zeros(side * side + 1, side * side + 1, dtype=torch.long)
    index[1:, 1:] = relative[..., 0] * (2 * side - 1) + relative[..., 1]
    index[0, :], index[:, 0], index[0, 0] = distances - 3, distances - 2, distances - 1
    return index


def vit_weights(img_size: int, style: str, head: bool, layers: int = LAYERS) -> Weights:
    """An official ViT state dict: ``style`` 'mfm' (q/v biases), 'conmim' (+ layer scale and
    relative position bias per block, no pos_embed) or 'mae' (full qkv bias)."""
    side = img_size // PATCH
    weights = {'cls_token': _rand(1, 1, EMBED),
               'patch_embed.proj.weight': _rand(EMBED, 3, PATCH, PATCH),
               'patch_embed.proj.bias': _rand(EMBED)}
    if style != 'conmim':
        weights['pos_embed'] = _rand(1, 1 + side * side, EMBED)
    for i in range(layers):
        block = f'blocks.{i}.'
        for norm in ('norm1', 'norm2'):
            weights[f'{block}{norm}.weight'] = 1 + _rand(EMBED)
            weights[f'{block}{norm}.bias'] = _rand(EMBED)
        weights[f'{block}attn.qkv.weight'] = _rand(3 * EMBED, EMBED)
        if style == 'mae':
            weights[f'{block}attn.qkv.bias'] = _rand(3 * EMBED)
        else:
            weights[f'{block}attn.q_bias'] = _rand(EMBED)
            weights[f'{block}attn.v_bias'] = _rand(EMBED)
        weights[f'{block}attn.proj.weight'] = _rand(EMBED, EMBED)
        weights[f'{block}attn.proj.bias'] = _rand(EMBED)
        weights[f'{block}mlp.fc1.weight'] = _rand(FFN, EMBED)
        weights[f'{block}mlp.fc1.bias'] = _rand(FFN)
        weights[f'{block}mlp.fc2.weight'] = _rand(EMBED, FFN)
        weights[f'{block}mlp.fc2.bias'] = _rand(EMBED)
        if style == 'conmim':
            weights[f'{block}gamma_1'] = _rand(EMBED)
            weights[f'{block}gamma_2'] = _rand(EMBED)
            weights[f'{block}attn.relative_position_bias_table'] = _rand(
                (2 * side - 1)**2 + 3, HEADS)
            weights[f'{block}attn.relative_position_index'] = relative_position_index(side)
    if head:
        weights.update({'fc_norm.weight': 1 + _rand(EMBED), 'fc_norm.bias': _rand(EMBED),
                        'head.weight': _rand(NUM_CLASSES, EMBED), 'head.bias': _rand(NUM_CLASSES)})
    else:
        weights.update({'norm.weight': 1 + _rand(EMBED), 'norm.bias': _rand(EMBED)})
    return weights


def mfm_vit_pretrain(img_size: int, layers: int = LAYERS) -> Weights:
    """MFM pre-training: the encoder under ``encoder.`` and the conv + PixelShuffle decoder."""
    weights = {f'encoder.{key}': value
               for key, value in vit_weights(img_size, 'mfm', False, layers).items()}
    weights.update({'decoder.0.weight': _rand(PATCH**2 * 3, EMBED, 1, 1),
                    'decoder.0.bias': _rand(PATCH**2 * 3)})
    return weights


def mae_pretrain(img_size: int) -> Weights:
    """MAE pre-training: the encoder plus the mask token and the decoder."""
    weights = vit_weights(img_size, 'mae', False)
    weights.update({'mask_token': _rand(1, 1, 64), 'decoder_embed.weight': _rand(64, EMBED),
                    'decoder_embed.bias': _rand(64), 'decoder_pos_embed': _rand(1, 5, 64),
                    'decoder_blocks.0.norm1.weight': _rand(64), 'decoder_norm.weight': _rand(64),
                    'decoder_pred.weight': _rand(PATCH**2 * 3, 64)})
    return weights


def resnet50_weights(head: bool) -> Weights:
    """A ResNet-50 state dict in timm / MFM names (BN statistics included)."""
    weights: Weights = {}

    def conv_bn(conv: str, bn: str, out_c: int, in_c: int, k: int) -> None:
        weights[f'{conv}.weight'] = _rand(out_c, in_c, k, k) / k
        weights[f'{bn}.weight'] = 1 + _rand(out_c)
        weights[f'{bn}.bias'] = _rand(out_c)
        weights[f'{bn}.running_mean'] = _rand(out_c)
        weights[f'{bn}.running_var'] = 1 + torch.rand(out_c)
        weights[f'{bn}.num_batches_tracked'] = torch.tensor(100)

    conv_bn('conv1', 'bn1', 64, 3, 7)
    in_c = 64
    for stage, (blocks, width) in enumerate(zip(RESNET_BLOCKS, RESNET_WIDTHS), 1):
        for b in range(blocks):
            name = f'layer{stage}.{b}'
            conv_bn(f'{name}.conv1', f'{name}.bn1', width, in_c, 1)
            conv_bn(f'{name}.conv2', f'{name}.bn2', width, width, 3)
            conv_bn(f'{name}.conv3', f'{name}.bn3', width * 4, width, 1)
            if b == 0:
                conv_bn(f'{name}.downsample.0', f'{name}.downsample.1', width * 4, in_c, 1)
            in_c = width * 4
    if head:
        weights.update({'fc.weight': _rand(NUM_CLASSES, 2048), 'fc.bias': _rand(NUM_CLASSES)})
    return weights


def _layer_norm(x: torch.Tensor, w: Weights, name: str) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:], w[f'{name}.weight'], w[f'{name}.bias'], eps=1e-6)


def official_vit(w: Weights, images: torch.Tensor) -> torch.Tensor:
    """The official ViT blocks (BEiT / MAE code): tokens after the last block, (B, 1 + N, C)."""
    x = F.conv2d(images, w['patch_embed.proj.weight'], w['patch_embed.proj.bias'], stride=PATCH)
    x = torch.cat([w['cls_token'].expand(len(x), -1, -1), x.flatten(2).transpose(1, 2)], 1)
    if 'pos_embed' in w:
        x = x + w['pos_embed']
    batch, tokens, _ = x.shape
    for i in range(len({key.split('.')[1] for key in w if key.startswith('blocks.')})):
        b = f'blocks.{i}.'
        bias = w.get(f'{b}attn.qkv.bias')
        if bias is None:
            bias = torch.cat([w[f'{b}attn.q_bias'], torch.zeros(EMBED), w[f'{b}attn.v_bias']])
        qkv = F.linear(_layer_norm(x, w, f'{b}norm1'), w[f'{b}attn.qkv.weight'], bias)
        q, k, v = qkv.reshape(batch, tokens, 3, HEADS, -1).permute(2, 0, 3, 1, 4)
        attn = (q * (EMBED // HEADS)**-0.5) @ k.transpose(-2, -1)
        if f'{b}attn.relative_position_bias_table' in w:
            table = w[f'{b}attn.relative_position_bias_table']
            index = w[f'{b}attn.relative_position_index']
            attn = attn + table[index.view(-1)].view(tokens, tokens, -1).permute(2, 0, 1)
        out = (attn.softmax(-1) @ v).transpose(1, 2).reshape(batch, tokens, EMBED)
        out = F.linear(out, w[f'{b}attn.proj.weight'], w[f'{b}attn.proj.bias'])
        x = x + w.get(f'{b}gamma_1', torch.ones(EMBED)) * out
        hidden = F.gelu(F.linear(_layer_norm(x, w, f'{b}norm2'), w[f'{b}mlp.fc1.weight'],
                                 w[f'{b}mlp.fc1.bias']))
        x = x + w.get(f'{b}gamma_2', torch.ones(EMBED)) * F.linear(
            hidden, w[f'{b}mlp.fc2.weight'], w[f'{b}mlp.fc2.bias'])
    return x


def official_vit_featmap(w: Weights, images: torch.Tensor) -> torch.Tensor:
    """Pre-trained encoder output: final norm, patch tokens as a map (B, C, h, w)."""
    x = _layer_norm(official_vit(w, images), w, 'norm')[:, 1:]
    side = images.shape[-1] // PATCH
    return x.transpose(1, 2).reshape(len(x), EMBED, side, side)


def official_vit_logits(w: Weights, images: torch.Tensor) -> torch.Tensor:
    """Fine-tuned classifier: mean of the patch tokens, fc_norm, head (B, classes)."""
    pooled = _layer_norm(official_vit(w, images)[:, 1:].mean(1), w, 'fc_norm')
    return F.linear(pooled, w['head.weight'], w['head.bias'])


def official_resnet50(w: Weights, images: torch.Tensor) -> torch.Tensor:
    """torchvision / timm ResNet-50 in eval mode: the last stage (B, 2048, h, w)."""
    def bn(x: torch.Tensor, name: str) -> torch.Tensor:
        return F.batch_norm(x, w[f'{name}.running_mean'], w[f'{name}.running_var'],
                            w[f'{name}.weight'], w[f'{name}.bias'], eps=1e-5)

    x = F.relu(bn(F.conv2d(images, w['conv1.weight'], stride=2, padding=3), 'bn1'))
    x = F.max_pool2d(x, 3, stride=2, padding=1)
    for stage, blocks in enumerate(RESNET_BLOCKS, 1):
        for b in range(blocks):
            name, stride = f'layer{stage}.{b}', 2 if stage > 1 and b == 0 else 1
            out = F.relu(bn(F.conv2d(x, w[f'{name}.conv1.weight']), f'{name}.bn1'))
            out = F.relu(bn(F.conv2d(out, w[f'{name}.conv2.weight'], stride=stride, padding=1),
                            f'{name}.bn2'))
            out = bn(F.conv2d(out, w[f'{name}.conv3.weight']), f'{name}.bn3')
            if b == 0:
                x = bn(F.conv2d(x, w[f'{name}.downsample.0.weight'], stride=stride),
                       f'{name}.downsample.1')
            x = F.relu(out + x)
    return x


class CfgNode(dict):
    """Stands for ``yacs.config.CfgNode`` (a dict subclass with attributes) in the pickle."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__['__immutable__'] = False


def save_release(path: str, container: str, weights: Weights, full: bool,
                 extra: Optional[dict] = None) -> str:
    """Writes a release as the official scripts do: ``{container: weights}`` alone or with
    the config objects (MFM: a yacs ``CfgNode``; BEiT / MAE / timm: an ``argparse.Namespace``)."""
    checkpoint = {container: weights}
    if full:
        module = types.ModuleType('yacs.config')
        CfgNode.__module__, CfgNode.__qualname__ = 'yacs.config', 'CfgNode'
        module.CfgNode = CfgNode
        saved = {name: sys.modules.get(name) for name in ('yacs', 'yacs.config')}
        sys.modules.update({'yacs': types.ModuleType('yacs'), 'yacs.config': module})
        try:
            checkpoint.update(config=CfgNode(MODEL=CfgNode(TYPE='vit')), epoch=299,
                              args=argparse.Namespace(model='vit_base_patch16', lr=1e-3),
                              optimizer={'state': {}, 'param_groups': []}, **(extra or {}))
            torch.save(checkpoint, path)
        finally:
            for name, value in saved.items():
                if value is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = value
    else:
        torch.save(checkpoint, path)
    return path
