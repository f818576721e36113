# Robustness of the fine-tuned MFM ViT-B/16 on ImageNet-R (30,000 renditions, 200 classes):
# top-1 with the 1000 logits restricted to the 200 classes.
#   tools/test.py configs/robustness/vit-base-p16_imagenet-r.py FINETUNED.pth
# Data: data/imagenet-r/<wnid>/*.jpg (200 wnid folders, as distributed).
_base_ = 'vit-base-p16_imagenet-a.py'

test_dataloader = dict(dataset=dict(data_root='data/imagenet-r'))
test_evaluator = dict(prefix='imagenet-r')
