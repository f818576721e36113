# Fine-tuning an MFM ViT-B/16 on ImageNet-1k: 100 epochs, 8 GPUs x 256 images = 2048, AMP.
# AdamW lr 2e-3 per 512 images (8e-3 at 2048), 5 warm-up epochs, cosine to 1e-6, layer-wise
# lr decay 0.8, drop path 0.1, mean pooling + LayerNorm (the pre-training's final norm is not
# used), RandAugment m9 mstd0.5, random erasing 0.25, mixup 0.8 / cutmix 1.0, label smoothing
# 0.1; test: resize 256, centre crop 224 (paper: 83.1 top-1 after 300 pre-training epochs).
# `pretrained`: the backbone extracted by tools/model_converters/mfm2mmpretrain.py;
# tools/benchmarks/mim_dist_train.sh CONFIG PRETRAIN GPUS converts and sets it.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py',
    'mmpretrain::_base_/default_runtime.py',
    '../../_base_/models/vit-base-p16.py',
]
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_vit-b_300e/mmpretrain_backbone.pth'
batch_size = 256  # per GPU
base_lr = 2e-3 * 2048 / 512
max_epochs = 100
warmup_epochs = 5

model = dict(
    type='ImageClassifier',
    backbone=dict(
        _base_.vit_backbone,
        drop_path_rate=0.1,
        final_norm=False,
        out_type='avg_featmap',
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    neck=None,
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=768,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='CutMix', alpha=1.0)]))

# the recipe's LoadImageFromFile + RandomResizedCrop in one step, same pixels (BGR, full decode;
# configs/benchmarks/README.md "Data pipeline")
train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=224, interpolation='bicubic', channel_order='bgr',
         draft=False),
    *[step for step in _base_.train_dataloader.dataset.pipeline
      if step.type not in ('LoadImageFromFile', 'RandomResizedCrop')],
]
train_dataloader = dict(batch_size=batch_size, num_workers=10, persistent_workers=True,
                        pin_memory=True, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=batch_size, num_workers=10, persistent_workers=True,
                      pin_memory=True)
test_dataloader = val_dataloader

optim_wrapper = dict(
    type='AmpOptimWrapper',  # dynamic loss scale is its default: no AMP-only key here, so
    # `--cfg-options optim_wrapper.type=OptimWrapper` runs the recipe in fp32 on CPU
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.8,
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        flat_decay_mult=0.0,
        custom_keys={
            '.pos_embed': dict(decay_mult=0.0),
            '.cls_token': dict(decay_mult=0.0),
        }))

# The official code's timm CosineLRScheduler (as in pre-training): one cosine over all epochs,
# the warm-up replacing the first 5; warm-up start and floor 2.5e-7 * batch / 512 for every
# layer-decay group (timm sets them absolutely).
param_scheduler = dict(
    type='WarmupCosineLR',
    convention='timm',
    warmup=warmup_epochs,
    warmup_ratio=2.5e-7 / 2e-3,
    min_ratio=2.5e-7 / 2e-3,
    by_epoch=True,
    begin=0,
    end=max_epochs,
    convert_to_iter_based=True)

train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=2048)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2, save_best='auto'))
randomness = dict(seed=0, diff_rank_seed=True)
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture); the mean-pool norm ln2 is new
custom_hooks = [dict(type='PretrainedGuardHook', allowed_missing=['backbone.ln2.*'])]
