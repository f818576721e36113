# CPU demo (`make demo`): UperNet on the demo ViT (4 layers, 128 wide, 7 px patches, 28 px)
# for per-pixel digit labels of MNIST-5k (background / the digit's class on its strokes; the
# blurred rim is unlabelled), the same 500 training and 1,000 held-out digits as the
# classification demo (tools/demo.py writes `{data_root}/segmentation/` in the ADE20K layout).
# The ViT UperNet recipe (mmseg's MAE ViT, Feature2Pyramid, AdamW 7e-4 at 16 images, layer-wise
# lr decay 0.65, warm-up + poly) at CPU size: BN instead of SyncBN, fp32, no drop path.
# tools/demo_downstream.py sets `model.backbone.init_cfg` (MFM checkpoint or random) and the seed.
_base_ = '../../benchmarks/segmentation/vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py'

crop_size = (28, 28)
embed_dims = 128
num_layers = 4
data_root = 'data/demo_mnist/segmentation'
classes = ('background', 'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven',
           'eight', 'nine')
max_iters = 480
warmup_iters = 48
norm_cfg = dict(type='BN', requires_grad=True)

model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        img_size=crop_size, patch_size=7, embed_dims=embed_dims, num_layers=num_layers,
        num_heads=4, mlp_ratio=4, drop_path_rate=0.0, out_indices=[0, 1, 2, 3]),
    neck=dict(embed_dim=embed_dims, norm_cfg=norm_cfg),
    decode_head=dict(in_channels=[embed_dims] * 4, channels=32, num_classes=len(classes),
                     norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=embed_dims, channels=16, num_classes=len(classes),
                        norm_cfg=norm_cfg),
    test_cfg=dict(_delete_=True, mode='whole'))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='RandomResize', scale=crop_size, ratio_range=(1.0, 1.25), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs'),
]
dataset = dict(type='BaseSegDataset', data_root=data_root, metainfo=dict(classes=classes),
               img_suffix='.png', seg_map_suffix='.png', reduce_zero_label=True)
train_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    dataset=dict(dataset, _delete_=True, pipeline=train_pipeline,
                 data_prefix=dict(img_path='images/training',
                                  seg_map_path='annotations/training')))
val_dataloader = dict(
    batch_size=100, num_workers=0, persistent_workers=False,
    dataset=dict(dataset, _delete_=True, pipeline=test_pipeline,
                 data_prefix=dict(img_path='images/validation',
                                  seg_map_path='annotations/validation')))
test_dataloader = val_dataloader

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    # lr of both arms chosen on held-out labelled digits from 3e-3 / 1e-2 / 3e-2
    # (tools/analysis_tools/demo_seg_protocol.py): in 480 iterations the recipe's 7e-4 (for
    # the same batch of 16) leaves the heads at predicting background
    optimizer=dict(type='AdamW', lr=1e-2, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='LearningRateDecayOptimizerConstructor',
    paramwise_cfg=dict(num_layers=num_layers, decay_rate=0.65, decay_type='layer_wise'))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=warmup_iters,
         end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1),
    visualization=dict(draw=False))
