# MFM with a BEiT-style ViT-B/16: absolute position embedding, no relative position bias,
# no layer scale, q/v biases; the patch tokens form a 14 x 14 feature map for the decoder.
# FusedBEiTViT is mmpretrain's BEiTViT (same state dict) with fused attention
# (F.scaled_dot_product_attention); fused_attn=False gives the stock explicit attention.
# init_style='beit' is the official code's init (N(0, 0.02) truncated at +-0.02, blocks'
# output layers divided by sqrt(2 * depth)); init_style='mmpretrain' gives init_cfg's instead.
model = dict(
    type='MFM',
    backbone=dict(
        type='FusedBEiTViT',
        fused_attn=True,
        arch='base',
        img_size=224,
        patch_size=16,
        drop_path_rate=0.0,
        final_norm=True,
        out_type='featmap',
        use_abs_pos_emb=True,
        use_rel_pos_bias=False,
        use_shared_rel_pos_bias=False,
        layer_scale_init_value=0.0,
        init_style='beit',
        init_cfg=[
            dict(type='TruncNormal', std=0.02, layer='Linear'),
            dict(type='TruncNormal', std=0.02, layer='Conv2d'),
            dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0),
        ]),
    neck=dict(type='SimMIMLinearDecoder', in_channels=768, encoder_stride=16),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))
