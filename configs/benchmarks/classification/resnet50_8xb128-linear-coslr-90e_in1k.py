# Linear probing of an MFM ResNet-50 on ImageNet-1k: frozen backbone (BN statistics frozen
# too), global average pooling, BatchNorm without affine in front of the linear classifier
# (MAE's protocol), SGD lr 0.4 at 8 x 128, cosine over 90 epochs (mmpretrain's MoCo v3 recipe).
_base_ = 'mmpretrain::mocov3/benchmarks/resnet50_8xb128-linear-coslr-90e_in1k.py'
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_resnet50_300e/mmpretrain_backbone.pth'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    # (B, 2048, 7, 7) -> (B, 2048) -> BatchNorm without affine
    neck=[
        dict(type='GlobalAveragePooling'),
        dict(type='ClsBatchNormNeck', input_features=2048),
    ])

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
