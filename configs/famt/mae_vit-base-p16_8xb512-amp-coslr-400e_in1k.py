# Plain MAE ViT-B/16, 400 epochs, 8 GPUs x 512 = 4096 images, AMP: mmpretrain's recipe with the lr
# schedule of MAE's code (below), the baseline that FAMT is compared with (same schedule, same data).
#   tools/dist_train.sh configs/famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py 8
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'

custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

# `mmpretrain::` inheritance tags every typed dict with `_scope_`, and mmengine's Runner passes a
# collate_fn's keys on to the function: declared again so that any tool can run this config
# (tools/train.py also strips it, see mfm_mm.engine.load_config).
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'),
    # workers re-created each epoch, so that EpochSeedHook re-seeds them (exact resume)
    persistent_workers=False)

# the project's run guards of every pre-training config (configs/_base_/selfsup_runtime.py):
# per-epoch seeds from randomness.seed (mmpretrain's MAE recipe sets seed=0) and the stop on
# a non-finite loss; tools/train.py adds the checkpoint and stop guards
custom_hooks = [dict(type='EpochSeedHook'), dict(type='NonFiniteLossHook', action='stop')]

# MAE's util/lr_sched.adjust_learning_rate, per iteration: warm-up from 0 over 40 epochs, then a
# cosine over the other 360 to 0 (mmpretrain's LinearLR + CosineAnnealingLR pair is the same
# shape but starts the warm-up at 1e-4 of the lr).
param_scheduler = dict(
    _delete_=True,
    type='WarmupCosineLR',
    convention='mae',
    warmup=40,
    warmup_ratio=0.0,
    min_ratio=0.0,
    by_epoch=True,
    begin=0,
    end=400,
    convert_to_iter_based=True)
# mmpretrain's recipe without its explicit loss_scale='dynamic' (AmpOptimWrapper's default, the
# same training): with no AMP-only key left, `--cfg-options optim_wrapper.type=OptimWrapper`
# runs the recipe, parameter-wise settings included, in fp32 on CPU
optim_wrapper = dict(
    _delete_=True, **{key: value for key, value in _base_.optim_wrapper.items()
                      if key != 'loss_scale'})
# MAE's code decays the tokens (timm's add_weight_decay skips only 1-D tensors and biases);
# mmpretrain's MAE config exempts them.
optim_wrapper['paramwise_cfg']['custom_keys'].update(
    mask_token=dict(decay_mult=1.0), cls_token=dict(decay_mult=1.0))
