# ConMIM pre-training schedule: AdamW (0.9, 0.98), weight decay 0.05 (none on norms, biases,
# 1-D parameters, cls_token, mask_token), grad clip 1.0, 10 warm-up epochs, per-iteration cosine
# to 1e-5, AMP, total batch 2048 (8 GPUs x 256).
# lr: the paper publishes only ViT-L's (7.5e-4); for ViT-S/B we ASSUME BEiT's
# 1.5e-3 * total_batch / 2048, i.e. 1.5e-3 at 2048. `--auto-scale-lr` keeps that rule for
# other batch sizes.
base_lr = 1.5e-3
max_epochs = 300
warmup_epochs = 10

optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.98), eps=1e-8, weight_decay=0.05),
    clip_grad=dict(max_norm=1.0),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        flat_decay_mult=0.0,
        custom_keys={
            'cls_token': dict(decay_mult=0.0),
            'mask_token': dict(decay_mult=0.0),
        }))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=1e-5,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        T_max=max_epochs - warmup_epochs,
        convert_to_iter_based=True),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)

auto_scale_lr = dict(base_batch_size=2048)
