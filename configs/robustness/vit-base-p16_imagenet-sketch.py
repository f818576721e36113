# Robustness of the fine-tuned MFM ViT-B/16 on ImageNet-Sketch (50,889 sketches, all 1000
# classes): plain top-1 over the 1000 logits.
#   tools/test.py configs/robustness/vit-base-p16_imagenet-sketch.py FINETUNED.pth
# Data: data/imagenet-sketch/sketch/<wnid>/*.JPEG (1000 wnid folders, as distributed).
_base_ = 'vit-base-p16_imagenet-a.py'

test_dataloader = dict(dataset=dict(data_root='data/imagenet-sketch/sketch'))
test_evaluator = dict(prefix='imagenet-sketch')
