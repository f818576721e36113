# ConMIM pre-training schedule: AdamW (0.9, 0.98), weight decay 0.05 (none on norms, biases,
# 1-D parameters, cls_token; mask_token decays as in the BEiT code), grad clip 1.0, 10 warm-up
# epochs from 0, per-iteration cosine to 1e-5, AMP, total batch 2048 (8 GPUs x 256).
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
    # the BEiT code decays mask_token (its no-decay list is pos_embed, cls_token, 1-D, biases)
    paramwise_cfg=dict(custom_keys={'mask_token': dict(decay_mult=1.0)}))

# The BEiT code's utils.cosine_scheduler, per iteration: np.linspace warm-up from 0, then a
# cosine over the remaining epochs to min_lr 1e-5.
param_scheduler = dict(
    convention='beit', warmup=warmup_epochs, warmup_ratio=0.0, min_ratio=1e-5 / base_lr)
