# ImageNet-1k for ConMIM pre-training: data/imagenet/{meta/train.txt, train/<wnid>/*.JPEG}.
# One crop + flip shared by both views (so their patches align), then MultiView: view 0 (weak)
# is only normalised and masked for the student, view 1 (strong) gets the photometric
# augmentations for the teacher. Random 32-px mask units at ratio 0.75 over the 14 x 14 grid.
# Colour jitter and grayscale are torchvision's (on PIL images, as in the official code):
# mmcv 2.1's numpy hue shift overflows under numpy 2 for negative hue factors.
_base_ = '../../_base_/datasets/imagenet_bs256_selfsup.py'

strong_view = [
    dict(type='NumpyToPIL', to_rgb=False),  # the loader gives RGB
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='torchvision/ColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.2,
                hue=0.1)
        ],
        prob=0.8),
    dict(type='torchvision/RandomGrayscale', p=0.2),
    dict(type='PILToNumpy', to_bgr=False),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.1),
    dict(type='Solarize', thr=128, prob=0.2),
]
train_pipeline = [
    dict(_base_.random_resized_crop, crop_ratio_range=(0.08, 1.0)),
    _base_.random_flip,
    dict(type='MultiView', num_views=[1, 1], transforms=[[], strong_view]),
    dict(
        type='SimMIMMaskGenerator',
        input_size=_base_.img_size,
        mask_patch_size=32,
        model_patch_size=16,
        mask_ratio=0.75),
    dict(type='PackInputs', algorithm_keys=['mask']),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
