# ConMIM pre-training schedule: AdamW (0.9, 0.98), weight decay 0.05 (none on norms, biases,
# 1-D parameters, cls_token, mask_token), grad clip 1.0, 10 warm-up epochs, per-iteration cosine
# to 1e-5, AMP, total batch 2048 (8 GPUs x 256).
# lr: the paper publishes only ViT-L's (7.5e-4); for ViT-S/B we ASSUME BEiT's
# 1.5e-3 * total_batch / 2048, i.e. 1.5e-3 at 2048. `--auto-scale-lr` keeps that rule for
# other batch sizes.
_base_ = '../../_base_/schedules/mfm_adamw_coslr-300e_bs2048.py'

base_lr = 1.5e-3
warmup_epochs = 10

optim_wrapper = dict(
    # mmengine's constructor, logging the frozen EMA teacher in one line instead of 194
    constructor='FrozenParamsOptimWrapperConstructor',
    optimizer=dict(lr=base_lr, betas=(0.9, 0.98)),
    clip_grad=dict(max_norm=1.0),
    paramwise_cfg=dict(custom_keys={'mask_token': dict(decay_mult=0.0)}))

param_scheduler = _base_.param_scheduler
param_scheduler[0].update(start_factor=1e-4, end=warmup_epochs)
param_scheduler[1].update(
    eta_min_ratio=1e-5 / base_lr,
    begin=warmup_epochs,
    T_max=param_scheduler[1]['end'] - warmup_epochs)
