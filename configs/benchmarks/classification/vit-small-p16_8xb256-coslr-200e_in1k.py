# Fine-tuning an MFM ViT-S/16 on ImageNet-1k: the ViT-B recipe over 200 epochs.
_base_ = './vit-base-p16_8xb256-coslr-100e_in1k.py'

pretrained = 'work_dirs/mfm_vit-s_300e/mmpretrain_backbone.pth'
max_epochs = 200
model = dict(
    backbone=dict(
        arch='deit-small',
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    head=dict(in_channels=384))

param_scheduler = dict(end=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
