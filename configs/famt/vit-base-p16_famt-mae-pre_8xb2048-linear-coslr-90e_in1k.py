# Linear probing of a FAMT-MAE ViT-B/16 on ImageNet-1k: mmpretrain's MAE linear-probe recipe
# (frozen encoder, BN + linear head on the CLS token, LARS, 90 epochs, 8 GPUs x 2048).
# The FAMTViT keys are MAEViT's, so the pre-trained 'backbone.' weights load unchanged:
#   tools/dist_train.sh configs/famt/vit-base-p16_famt-mae-pre_8xb2048-linear-coslr-90e_in1k.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH/TO/epoch_400.pth
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'

custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k/epoch_400.pth',
            prefix='backbone.')))

# the recipe's LoadImageFromFile + RandomResizedCrop in one step, same pixels (BGR, full decode;
# configs/benchmarks/README.md "Data pipeline")
train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=224, interpolation='bilinear', channel_order='bgr',
         draft=False),
    *[step for step in _base_.train_dataloader.dataset.pipeline
      if step.type not in ('LoadImageFromFile', 'RandomResizedCrop')],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture)
custom_hooks = [dict(type='PretrainedGuardHook')]
