# MAE ViT-B/16 with FAMT masking and throwing, 400 epochs, 8 GPUs x 512 = 4096 images, AMP
# (the AMT recipe). Only what FAMT changes differs from the baseline next to this file:
# - 45% of the patches masked and 40% thrown, drawn by weight (FAMTMAE, FAMTViT, FAMTPretrainDecoder);
# - the pipeline records the crop box (RandomResizedCropWithBox); the model keeps each image's
#   weight map and resamples it to the crop and flip of the image;
# - FAMTRefreshHook: MAE's random masking (75%) for 40 epochs, then the weights are recomputed
#   every 40 epochs over the whole training set (attention + low-pass response, summed 50/50).
#   tools/dist_train.sh configs/famt/famt_mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py 8
_base_ = 'mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py'

model = dict(
    type='FAMTMAE',
    mask_ratio=0.45,
    throw_ratio=0.40,
    warmup_mask_ratio=0.75,
    fusion='sum',
    freq_weight=0.5,
    freq_cutoff=1 / 7,
    backbone=dict(type='FAMTViT'),
    neck=dict(type='FAMTPretrainDecoder'))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCropWithBox',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs', algorithm_keys=['crop_box']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

custom_hooks = _base_.custom_hooks + [
    dict(type='FAMTRefreshHook', interval=40, warmup_epochs=40, batch_size=256)]
