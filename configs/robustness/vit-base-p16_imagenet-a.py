# Robustness of the fine-tuned MFM ViT-B/16 on ImageNet-A (7,500 natural adversarial images,
# 200 classes): top-1 with the 1000 logits restricted to the 200 classes.
#   tools/test.py configs/robustness/vit-base-p16_imagenet-a.py FINETUNED.pth
# Data: data/imagenet-a/<wnid>/*.jpg (200 wnid folders, as distributed).
_base_ = '../benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py'

# the fine-tuning config's test pipeline: resize 256, centre crop 224
test_pipeline = _base_.val_dataloader.dataset.pipeline
test_dataloader = dict(
    batch_size=256,
    num_workers=10,
    dataset=dict(
        _delete_=True, type='CustomDataset', data_root='data/imagenet-a', with_label=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = dict(_delete_=True, type='ImageNetVariantAccuracy', prefix='imagenet-a')

# evaluation only: no training or validation data
train_dataloader = train_cfg = optim_wrapper = param_scheduler = auto_scale_lr = None
val_dataloader = val_cfg = val_evaluator = None
