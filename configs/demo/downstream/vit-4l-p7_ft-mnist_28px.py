# CPU demo (`make demo`): fine-tuning the demo ViT (4 layers, 128 wide, 7 px patches, 28 px)
# on 50 labelled MNIST-5k digits per class, validated every epoch on 100 held-out digits per
# class (tools/demo.py writes `{data_root}/classification/` in the ImageNet layout).
# The ViT-B fine-tuning recipe (AdamW, layer-wise lr decay, warm-up + cosine, mean pooling,
# label smoothing) with a small-data recipe for 500 images: pad-and-crop instead of
# RandomResizedCrop / RandAugment / erasing, no mixup / cutmix, no drop path; fp32.
# tools/demo_downstream.py sets `model.backbone.init_cfg` (MFM checkpoint or random) and the seed.
_base_ = '../../benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py'

img_size = 28
embed_dims = 128
data_root = 'data/demo_mnist/classification'
classes = ('zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine')
max_epochs = 20
warmup_epochs = 2
base_lr = 1e-3

model = dict(
    backbone=dict(
        arch=dict(
            _delete_=True, embed_dims=embed_dims, num_layers=4, num_heads=4,
            feedforward_channels=4 * embed_dims),
        img_size=img_size,
        patch_size=7,
        drop_path_rate=0.0),
    head=dict(num_classes=len(classes), in_channels=embed_dims),
    train_cfg=dict(_delete_=True))
data_preprocessor = dict(num_classes=len(classes))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=img_size, padding=3),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]
dataset = dict(type='ImageNet', data_root=data_root, metainfo=dict(classes=classes))
train_dataloader = dict(
    batch_size=32, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(dataset, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=250, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(dataset, split='val', pipeline=test_pipeline))
test_dataloader = val_dataloader

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=_base_.optim_wrapper.paramwise_cfg)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=base_lr / 100, by_epoch=True, begin=warmup_epochs,
         end=max_epochs, T_max=max_epochs - warmup_epochs, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1, save_best=None))
