# MFM pre-training schedule: AdamW, lr 3e-4 per 512 images (1.2e-3 at 2048), 20 warm-up
# epochs from 2.5e-7 per 512, per-iteration cosine to 2.5e-6 per 512, grad clip 3, AMP.
base_lr = 3e-4 * 2048 / 512
max_epochs = 300
warmup_epochs = 20

# AmpOptimWrapper's loss scale is dynamic by default; CPU configs set type='OptimWrapper'
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.05),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        flat_decay_mult=0.0,
        custom_keys={
            'pos_embed': dict(decay_mult=0.0),
            'cls_token': dict(decay_mult=0.0),
        }))

# The official code's timm CosineLRScheduler, stepped per iteration: the warm-up replaces the
# first 20 epochs of ONE cosine over all 300 (warmup_prefix=False), warm-up start and floor
# the same for every parameter group. mmpretrain's LinearLR + CosineAnnealingLR pair
# (cosine restarted after the warm-up) is `convention='mae'`-like; see WarmupCosineLR.
param_scheduler = dict(
    type='WarmupCosineLR',
    convention='timm',
    warmup=warmup_epochs,
    warmup_ratio=2.5e-7 / 3e-4,
    min_ratio=2.5e-6 / 3e-4,
    by_epoch=True,
    begin=0,
    end=max_epochs,
    convert_to_iter_based=True)

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)

# `--auto-scale-lr` rescales the lr linearly for another total batch size.
auto_scale_lr = dict(base_batch_size=2048)
