# ImageNet-1k for MFM pre-training: data/imagenet/{meta/train.txt, train/<wnid>/*.JPEG}.
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

dataset_type = 'ImageNet'
data_root = 'data/imagenet/'
data_preprocessor = dict(
    type='SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='SafeLoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='FrequencyMaskGenerator', input_size=224, radius=16, low_pass_prob=0.5),
    dict(type='PackInputs', algorithm_keys=['freq_mask']),
]

train_dataloader = dict(
    batch_size=256,
    num_workers=10,
    # re-created each epoch so that EpochSeedHook re-seeds them: resumed runs then draw the
    # same augmentations as uninterrupted ones (costs a worker start per epoch)
    persistent_workers=False,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline=train_pipeline))
