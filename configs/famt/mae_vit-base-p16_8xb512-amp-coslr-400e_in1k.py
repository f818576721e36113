# Plain MAE ViT-B/16, 400 epochs, 8 GPUs x 512 = 4096 images, AMP: mmpretrain's recipe unchanged,
# the baseline that FAMT is compared with (same schedule, same data, same machine).
#   tools/dist_train.sh configs/famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py 8
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'

custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

# `mmpretrain::` inheritance tags every typed dict with `_scope_`, and mmengine's Runner passes a
# collate_fn's keys on to the function: declared again so that any tool can run this config
# (tools/train.py also strips it, see mfm_mm.utils.load_config).
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'),
    # workers re-created each epoch, so that EpochSeedHook re-seeds them (exact resume)
    persistent_workers=False)

# the project's run guards of every pre-training config (configs/_base_/selfsup_runtime.py):
# per-epoch seeds from randomness.seed (mmpretrain's MAE recipe sets seed=0) and the stop on
# a non-finite loss; tools/train.py adds the checkpoint and stop guards
custom_hooks = [dict(type='EpochSeedHook'), dict(type='NonFiniteLossHook', action='stop')]
