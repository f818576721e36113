# ConMIM with a BEiT-style ViT-B/16: mask token, shared relative position bias, no absolute
# position embedding, layer scale 0.1, drop path 0. The projector (Linear-BN-ReLU x 2,
# Linear-BN without affine; 4096 hidden, 256 out, no biases) runs on every token, with
# per-GPU BatchNorm1d as in the official code. The teacher is an EMA copy of backbone + projector,
# momentum 0.996 -> 1.0 (cosine over the run's iterations). FusedBEiTPretrainViT is mmpretrain's
# BEiTPretrainViT (same state dict) with fused attention; fused_attn=False gives the stock one.
# Init as the official code: init_style='beit' (N(0, 0.02) truncated at +-0.02 for Linear,
# Conv2d and tokens, blocks' output layers divided by sqrt(2 * depth)) and the projector's
# Linear layers drawn the same way (init_style='mmpretrain' gives init_cfg's init instead).
model = dict(
    type='ConMIM',
    momentum=0.996,
    end_momentum=1.0,
    backbone=dict(
        type='FusedBEiTPretrainViT',
        fused_attn=True,
        arch='base',
        img_size=224,
        patch_size=16,
        drop_path_rate=0.0,
        final_norm=True,
        out_type='raw',
        use_abs_pos_emb=False,
        use_rel_pos_bias=False,
        use_shared_rel_pos_bias=True,
        layer_scale_init_value=0.1,
        init_style='beit',
        init_cfg=[
            dict(type='TruncNormal', std=0.02, layer='Linear'),
            dict(type='TruncNormal', std=0.02, layer='Conv2d'),
            dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0),
        ]),
    neck=dict(
        type='NonLinearNeck',
        in_channels=768,
        hid_channels=4096,
        out_channels=256,
        num_layers=3,
        with_bias=False,
        with_last_bn=True,
        with_last_bn_affine=False,
        with_avg_pool=False,
        norm_cfg=dict(type='BN1d'),
        init_cfg=[
            dict(type='TruncNormal', std=0.02, a=-0.02, b=0.02, layer='Linear'),
            dict(type='Constant', val=1, layer=['_BatchNorm']),
        ]),
    head=dict(type='MIMHead', loss=dict(type='PatchInfoNCELoss', temperature=0.1)))
