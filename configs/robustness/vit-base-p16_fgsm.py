# Adversarial robustness of the fine-tuned MFM ViT-B/16 on the ImageNet validation set: FGSM,
# one signed-gradient step of size eps = 1/255 on [0, 1] pixels (L-infinity).
#   tools/test.py configs/robustness/vit-base-p16_fgsm.py FINETUNED.pth
# Data: the validation set of the fine-tuning config (data/imagenet/meta/val.txt, val/).
_base_ = '../benchmarks/classification/vit-base-p16_8xb256-coslr-100e_in1k.py'

test_dataloader = dict(batch_size=64)
test_cfg = dict(_delete_=True, type='AdversarialTestLoop', eps=1 / 255, steps=1,
                random_start=False)
test_evaluator = dict(_delete_=True, type='AdversarialAccuracy', prefix='fgsm')

# evaluation only: no training or validation data
train_dataloader = train_cfg = optim_wrapper = param_scheduler = auto_scale_lr = None
val_dataloader = val_cfg = val_evaluator = None
