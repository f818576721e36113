# CPU run of the ViT recipe (tests, pretext loss curves): a 6-layer ViT-Tiny/16 at 128 px on
# crops of the photos bundled with scikit-image / scikit-learn / matplotlib, written by
# mfm_mm.demo.write_imagenet_folder in the ImageNet layout. Same algorithm, transform, head,
# loss and schedule shape as mfm_vit-s_300e.py; only the sizes change (radius 16 at 224 -> 9
# at 128) and the lr is raised for a 16-image batch.
_base_ = '../mfm_vit-s_300e.py'

img_size = 128
model = dict(
    backbone=dict(
        arch=dict(
            _delete_=True, embed_dims=192, num_layers=6, num_heads=3,
            feedforward_channels=768),
        img_size=img_size),
    neck=dict(in_channels=192))

# steps overridden by type, never by position (the mask takes the crop's size)
sizes = dict(LoadRandomResizedCrop=dict(scale=img_size), FrequencyMaskGenerator=dict(radius=9))
train_pipeline = [dict(step, **sizes.get(step['type'], {})) for step in _base_.train_pipeline]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(data_root='data/demo_imagenet/', pipeline=train_pipeline))

max_epochs = 50
# no AMP: upstream tools run this config on CPU as it is
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=1e-3))
param_scheduler = dict(warmup=5, end=max_epochs)
train_cfg = dict(max_epochs=max_epochs)

default_hooks = dict(
    logger=dict(interval=12),
    checkpoint=dict(interval=10, max_keep_ckpts=1))
# one MFMVisualizationHook picture, at the end
custom_hooks = [dict(hook, interval=max_epochs) if hook['type'] == 'MFMVisualizationHook'
                else hook for hook in _base_.custom_hooks]
