# Plain MAE ViT-B/16, 400 epochs, 8 GPUs x 512 = 4096 images, AMP: mmpretrain's recipe unchanged,
# the baseline that FAMT is compared with (same schedule, same data, same machine).
#   tools/dist_train.sh configs/famt/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py 8
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'

custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

# `mmpretrain::` inheritance tags every typed dict with `_scope_`, and mmengine's Runner passes a
# collate_fn's keys on to the function: declared again so that any tool can run this config
# (tools/train.py also strips it, see mfm_mm.utils.load_config).
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))

# mmpretrain's recipe without its explicit loss_scale='dynamic' (AmpOptimWrapper's default, the
# same training): with no AMP-only key left, `--cfg-options optim_wrapper.type=OptimWrapper`
# runs the recipe, parameter-wise settings included, in fp32 on CPU
optim_wrapper = dict(
    _delete_=True, **{key: value for key, value in _base_.optim_wrapper.items()
                      if key != 'loss_scale'})
