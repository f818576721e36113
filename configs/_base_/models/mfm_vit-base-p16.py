# MFM with the BEiT-style ViT-B/16 of vit-base-p16.py; the patch tokens form a 14 x 14 feature
# map for the decoder.
# FusedBEiTViT is mmpretrain's BEiTViT (same state dict) with fused attention
# (F.scaled_dot_product_attention); fused_attn=False gives the stock explicit attention.
# init_style='beit' is the official code's init (N(0, 0.02) truncated at +-0.02, blocks'
# output layers divided by sqrt(2 * depth)); init_style='mmpretrain' gives init_cfg's instead.
_base_ = 'vit-base-p16.py'

model = dict(
    type='MFM',
    backbone=dict(
        _base_.vit_backbone,
        type='FusedBEiTViT',
        fused_attn=True,
        drop_path_rate=0.0,
        final_norm=True,
        out_type='featmap',
        init_style='beit',
        init_cfg=[
            dict(type='TruncNormal', std=0.02, layer='Linear'),
            dict(type='TruncNormal', std=0.02, layer='Conv2d'),
            dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0),
        ]),
    neck=dict(type='SimMIMLinearDecoder', in_channels=768, encoder_stride=16),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))
