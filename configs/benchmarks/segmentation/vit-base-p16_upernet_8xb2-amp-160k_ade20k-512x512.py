# ADE20K semantic segmentation with an MFM ViT-B/16 (following BEiT / MAE): UperNet on the
# outputs of blocks 4, 6, 8 and 12 rescaled x4, x2, x1, x0.5 by Feature2Pyramid, 512 crop,
# 8 GPUs x 2 images, 160k iterations, AdamW lr 7e-4, layer-wise lr decay 0.65, 1500 warm-up
# iterations, poly decay, drop path 0.1, slide inference, AMP (paper: about 48.6 mIoU).
# The backbone is mmseg's MAE ViT (zero-initialised relative position bias, layer scale 1);
# `pretrained`: the weights written by tools/model_converters/mfm2mmseg.py (--img-size 512);
# tools/benchmarks/mim_dist_train.sh CONFIG PRETRAIN GPUS converts and sets it.
_base_ = [
    'mmseg::_base_/models/upernet_mae.py',
    'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py',
]
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_vit-b_300e/mmseg_backbone.pth'
crop_size = (512, 512)
embed_dims = 768
model = dict(
    data_preprocessor=dict(size=crop_size),
    pretrained=None,
    backbone=dict(
        type='MAE',
        img_size=crop_size,
        patch_size=16,
        embed_dims=embed_dims,
        num_layers=12,
        num_heads=12,
        mlp_ratio=4,
        init_values=1.0,
        drop_path_rate=0.1,
        final_norm=True,
        norm_cfg=dict(type='LN', eps=1e-6),
        out_indices=[3, 5, 7, 11],
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)),
    # norm_cfg spelled out (Feature2Pyramid's default is SyncBN too) so that the CPU fallback
    # of tools/train.py sees it and switches it to BN
    neck=dict(embed_dim=embed_dims, rescales=[4, 2, 1, 0.5],
              norm_cfg=dict(type='SyncBN', requires_grad=True)),
    decode_head=dict(in_channels=[embed_dims] * 4, channels=embed_dims, num_classes=150),
    auxiliary_head=dict(in_channels=embed_dims, num_classes=150),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(341, 341)))

optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',  # dynamic loss scale is its default: no AMP-only key here, so
    # `--cfg-options optim_wrapper.type=OptimWrapper` runs the recipe in fp32 on CPU
    optimizer=dict(type='AdamW', lr=7e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='LearningRateDecayOptimizerConstructor',
    paramwise_cfg=dict(num_layers=12, decay_rate=0.65, decay_type='layer_wise'))

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=1500, end=160000),
]

train_dataloader = dict(batch_size=2, num_workers=4)
val_dataloader = dict(batch_size=1, num_workers=4)
test_dataloader = val_dataloader
randomness = dict(seed=0)
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture)
custom_hooks = [dict(type='PretrainedGuardHook')]
