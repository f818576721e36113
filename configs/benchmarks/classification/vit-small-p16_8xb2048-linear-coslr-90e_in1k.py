# Linear probing of an MFM ViT-S/16 on ImageNet-1k: the ViT-B protocol with 384 channels.
_base_ = './vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'

pretrained = 'work_dirs/mfm_vit-s_300e/mmpretrain_backbone.pth'
embed_dims = 384
model = dict(
    backbone=dict(
        arch='deit-small',
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    neck=[
        dict(type='GlobalAveragePooling'),
        dict(type='ClsBatchNormNeck', input_features=embed_dims),
    ],
    head=dict(in_channels=embed_dims))
