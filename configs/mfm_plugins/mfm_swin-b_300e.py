# MFM with a Swin-B encoder (window 7 at 224 px), 300 epochs, 8 GPUs x 256 images, AMP: the
# last stage (1024 x 7 x 7, stride 32) goes through a stride-32 linear decoder. Same
# transform, head, loss and schedule as the ViT-B recipe; Swin's position tables and norms
# get no weight decay.
_base_ = '../mfm_vit-b_300e.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='SwinTransformer',
        arch='base',
        img_size=_base_.img_size,  # the crop's
        window_size=7,
        drop_path_rate=0.0,
        out_indices=(3, )),
    neck=dict(in_channels=1024, encoder_stride=32))

optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'absolute_pos_embed': dict(decay_mult=0.0),
            'relative_position_bias_table': dict(decay_mult=0.0),
        }))
