# ImageNet-1k for self-supervised pre-training, shared by MFM and ConMIM:
# data/imagenet/{meta/train.txt, train/<wnid>/*.JPEG}, 256 images per GPU, ImageNet mean/std.
# Children set `train_pipeline` and `train_dataloader = dict(dataset=dict(pipeline=...))`; their
# pipelines start with the crop and flip below (the crop range is the child's).
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

# CheckedImageNet: mmpretrain's ImageNet with meta/train.txt checked at build (malformed
# lines, listed images that do not exist; see mfm_mm/datasets/checked_imagenet.py)
dataset_type = 'CheckedImageNet'
data_root = 'data/imagenet/'
data_preprocessor = dict(
    type='SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=False)

# The 224 px crop + flip of both pre-trainings. LoadRandomResizedCrop decodes, crops and resizes
# in one step (torchvision's box rule, bicubic, RGB out, so to_rgb=False above; README
# "Performance"). draft=False: full JPEG decode as the official codes (DCT-domain draft
# decoding filters the high frequencies that MFM's target is made of). backend='torch': torch's
# uint8 antialiased bicubic in place of PIL's, 0.6 of the official loader's cost per image
# instead of 0.9-1.0, within 2 grey levels of PIL's pixels (README "Data loading"; falls back
# to PIL on a torch without that kernel).
img_size = 224
random_resized_crop = dict(
    type='LoadRandomResizedCrop', scale=img_size, interpolation='bicubic', draft=False,
    backend='torch')
random_flip = dict(type='RandomFlip', prob=0.5)

train_dataloader = dict(
    batch_size=256,
    num_workers=10,
    # re-created each epoch so that EpochSeedHook re-seeds them: resumed runs then draw the
    # same augmentations as uninterrupted ones (costs a worker start per epoch)
    persistent_workers=False,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train'))
