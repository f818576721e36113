# Linear probing of an MFM ViT-B/16 on ImageNet-1k, MAE's protocol: frozen encoder (with the
# pre-training's final norm), mean-pooled patch tokens, BatchNorm without affine in front of
# the linear classifier, LARS lr 0.1 per 256 images (6.4 at 8 x 2048), 90 epochs, no weight
# decay, RandomResizedCrop + flip only.
_base_ = [
    'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py',
    '../../_base_/models/vit-base-p16.py',
]
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_vit-b_300e/mmpretrain_backbone.pth'
embed_dims = 768
model = dict(
    backbone=dict(
        _base_.vit_backbone,
        _delete_=True,
        final_norm=True,
        out_type='featmap',
        frozen_stages=12,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    # (B, C, 14, 14) -> mean over patches (B, C) -> BatchNorm without affine
    neck=[
        dict(type='GlobalAveragePooling'),
        dict(type='ClsBatchNormNeck', input_features=embed_dims),
    ],
    head=dict(in_channels=embed_dims))

# the recipe's LoadImageFromFile + RandomResizedCrop in one step, same pixels (BGR, full decode;
# configs/benchmarks/README.md "Data pipeline")
train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=224, interpolation='bilinear', channel_order='bgr',
         draft=False),
    *[step for step in _base_.train_dataloader.dataset.pipeline
      if step.type not in ('LoadImageFromFile', 'RandomResizedCrop')],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
randomness = dict(seed=0, diff_rank_seed=True)
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture)
custom_hooks = [dict(type='PretrainedGuardHook')]
