# Robustness of the fine-tuned MFM ViT-B/16 on ImageNet-C: mean corruption error (mCE, AlexNet
# normalised) over the 15 standard corruptions x 5 severities. The images are already 224 x 224
# (the benchmark's protocol: no resize, centre crop 224).
#   tools/test.py configs/robustness/vit-base-p16_imagenet-c.py FINETUNED.pth
# Data: data/imagenet-c/<corruption>/<severity 1-5>/<wnid>/*.JPEG (as distributed).
_base_ = '../benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py'

data_root = 'data/imagenet-c'
corruptions = ('gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur',
               'motion_blur', 'zoom_blur', 'snow', 'frost', 'fog', 'brightness', 'contrast',
               'elastic_transform', 'pixelate', 'jpeg_compression')
# the fine-tuning config's test pipeline without its resize (the images are 224 x 224 already)
test_pipeline = [
    step for step in _base_.val_dataloader.dataset.pipeline if step.type != 'ResizeEdge']
test_dataloader = dict(
    batch_size=256,
    num_workers=10,
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(type='mmpretrain.CustomDataset', data_root=data_root, data_prefix=f'{c}/{s}',
                 with_label=True, pipeline=test_pipeline)
            for c in corruptions for s in range(1, 6)
        ]),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = dict(_delete_=True, type='MeanCorruptionError', corruptions=corruptions)

# evaluation only: no training or validation data
train_dataloader = train_cfg = optim_wrapper = param_scheduler = auto_scale_lr = None
val_dataloader = val_cfg = val_evaluator = None
