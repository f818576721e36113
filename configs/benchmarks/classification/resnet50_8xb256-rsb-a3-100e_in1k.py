# Fine-tuning an MFM ResNet-50 on ImageNet-1k, 100 epochs: mmpretrain's "ResNet strikes back"
# A3 recipe (LAMB, BCE, mixup 0.1 / cutmix 1.0, train and test 224 px as mmpretrain's config;
# timm's A3 trains at 160), 8 x 256 images,
# initialised from MFM (paper: 78.5 top-1).
_base_ = 'mmpretrain::resnet/resnet50_8xb256-rsb-a3-100e_in1k.py'
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_resnet50_300e/mmpretrain_backbone.pth'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
optim_wrapper = dict(type='AmpOptimWrapper')  # dynamic loss scale: its default

# the recipe's LoadImageFromFile + RandomResizedCrop in one step, same pixels (BGR, full decode;
# configs/benchmarks/README.md "Data pipeline")
train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=224, interpolation='bicubic', channel_order='bgr',
         draft=False),
    *[step for step in _base_.train_dataloader.dataset.pipeline
      if step.type not in ('LoadImageFromFile', 'RandomResizedCrop')],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
randomness = dict(seed=0, diff_rank_seed=True)
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture)
custom_hooks = [dict(type='PretrainedGuardHook')]
