# ImageNet-1k for MFM pre-training: crop + flip, then the per-image frequency mask (at the size of
# the crop: the crop size is stated once, here). LoadRandomResizedCrop decodes, crops and
# resizes in one step (torchvision's box rule, bicubic, RGB out; README "Performance").
# draft=False: full JPEG decode as the official code (DCT-domain draft decoding filters the
# high frequencies that MFM's target is made of).
_base_ = 'imagenet_bs256_selfsup.py'

train_pipeline = [
    dict(
        type='LoadRandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        interpolation='bicubic',
        draft=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='FrequencyMaskGenerator', radius=16, low_pass_prob=0.5),
    dict(type='PackInputs', algorithm_keys=['freq_mask']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
