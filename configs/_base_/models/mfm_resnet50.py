# MFM with ResNet-50: the C5 map (2048 x 7 x 7) goes through a stride-32 linear decoder.
# ChannelsLastResNet is mmpretrain's ResNet (same state dict) run in NHWC; channels_last=False
# gives the stock NCHW one. zero_init_residual: every bottleneck's last BN starts at 0, as timm's
# ResNet (zero_init_last_bn=True) in the official code. BN, not SyncBN: the official DDP run
# normalises per GPU (16 x 128 images there, 8 x 256 here).
model = dict(
    type='MFM',
    backbone=dict(
        type='ChannelsLastResNet',
        channels_last=True,
        depth=50,
        out_indices=(3, ),
        norm_cfg=dict(type='BN'),
        zero_init_residual=True),
    neck=dict(type='SimMIMLinearDecoder', in_channels=2048, encoder_stride=32),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))
