# ImageNet-1k fine-tuning of a ConMIM ViT-B/16 from its TEACHER weights: mmpretrain's BEiT
# recipe, which is ConMIM's (BEiT-style ViT with a relative position bias per block, expanded
# from the shared pre-training bias, layer scale, mean pooling), 8 GPUs x 128 = 1024 images,
# AdamW lr 4e-3, layer-wise lr decay 0.65 (LearningRateDecayOptimWrapperConstructor),
# 100 epochs (20 warm-up), drop path 0.1, RandAugment, random erasing 0.25, mixup 0.8,
# cutmix 1.0, label smoothing 0.1 (paper: 83.5 after 300e, 83.7 after 800e pre-training).
# The checkpoint is written by
#   python tools/model_converters/conmim_teacher_to_backbone.py \
#       work_dirs/conmim_vit-b_800e/epoch_800.pth work_dirs/conmim_vit-b_800e/teacher_backbone.pth
_base_ = 'mmpretrain::beit/benchmarks/beit-base-p16_8xb128-coslr-100e_in1k.py'
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

# ConMIM pre-trains with the ImageNet mean / std (BEiT's fine-tuning config uses 127.5).
data_preprocessor = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/conmim_vit-b_800e/teacher_backbone.pth',
            prefix='backbone.')),
    # the BEiT code's head: N(0, 0.02) times init_scale 0.001 (mmpretrain's BEiT: std 0.02)
    head=dict(init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.02 * 0.001)]))
# fp16 with a dynamic loss scale (AmpOptimWrapper's default), as the official DeepSpeed run
# (mmpretrain's BEiT: fp32)
optim_wrapper = dict(type='AmpOptimWrapper')
# The BEiT code's utils.cosine_scheduler, per iteration: np.linspace warm-up from 0 over 20
# epochs, a cosine over the other 80 to min_lr 1e-6; every value times the group's layer-decay
# scale (mmpretrain's BEiT: LinearLR from 1e-4 and one absolute 1e-6 floor for every group).
param_scheduler = dict(
    _delete_=True,
    type='WarmupCosineLR',
    convention='beit',
    warmup=20,
    warmup_ratio=0.0,
    min_ratio=1e-6 / 4e-3,
    by_epoch=True,
    begin=0,
    end=100,
    convert_to_iter_based=True)

# the recipe's LoadImageFromFile + RandomResizedCrop in one step, same pixels (BGR, full decode;
# configs/benchmarks/README.md "Data pipeline")
train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=224, interpolation='bicubic', channel_order='bgr',
         draft=False),
    *[step for step in _base_.train_dataloader.dataset.pipeline
      if step.type not in ('LoadImageFromFile', 'RandomResizedCrop')],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture); the mean-pool norm ln2 is new
custom_hooks = [dict(type='PretrainedGuardHook', allowed_missing=['backbone.ln2.*'])]
