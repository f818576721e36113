# ImageNet-1k for MFM pre-training: the shared crop (20-100 % of the image) + flip, then the
# per-image frequency mask (at the size of the crop).
_base_ = 'imagenet_bs256_selfsup.py'

train_pipeline = [
    dict(_base_.random_resized_crop, crop_ratio_range=(0.2, 1.0)),
    _base_.random_flip,
    dict(type='FrequencyMaskGenerator', radius=16, low_pass_prob=0.5),
    dict(type='PackInputs', algorithm_keys=['freq_mask']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
