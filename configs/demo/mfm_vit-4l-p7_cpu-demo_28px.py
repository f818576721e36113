# CPU demo (`make demo`): MFM pre-training of a 4-layer, 128-wide ViT with 7 px patches at 28 px
# on the unlabelled digits of MNIST-5k (tools/demo.py writes them to data/demo_mnist/pretrain/;
# mmpretrain's CustomDataset without labels reads every image under data_root). Same
# algorithm, head, loss, init, optimizer and schedule shape as mfm_vit-s_300e.py; sizes change:
# radius 5 of a 28 x 28 spectrum removes about the share of non-DC energy that radius 16
# removes at 224. Plain fp32 OptimWrapper (no AMP).
_base_ = '../mfm_vit-s_300e.py'

img_size = 28
embed_dims = 128
model = dict(
    backbone=dict(
        arch=dict(
            _delete_=True, embed_dims=embed_dims, num_layers=4, num_heads=4,
            feedforward_channels=4 * embed_dims),
        img_size=img_size,
        patch_size=7),
    neck=dict(in_channels=embed_dims, encoder_stride=7))

train_pipeline = [
    dict(type='LoadRandomResizedCrop', scale=img_size, crop_ratio_range=(0.5, 1.0),
         interpolation='bicubic'),
    dict(type='FrequencyMaskGenerator', radius=5, low_pass_prob=0.5),
    dict(type='PackInputs', algorithm_keys=['freq_mask']),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        _delete_=True, type='CustomDataset', data_root='data/demo_mnist/pretrain',
        with_label=False, pipeline=train_pipeline))

max_epochs = 30
warmup_epochs = 3
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.05),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=_base_.optim_wrapper.paramwise_cfg)
param_scheduler = dict(warmup=warmup_epochs, end=max_epochs)
train_cfg = dict(max_epochs=max_epochs)

default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
# one MFMVisualizationHook picture, at the end
custom_hooks = [dict(hook, interval=max_epochs) if hook['type'] == 'MFMVisualizationHook'
                else hook for hook in _base_.custom_hooks]
