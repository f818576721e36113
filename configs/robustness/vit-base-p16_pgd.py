# Adversarial robustness of the fine-tuned MFM ViT-B/16 on the ImageNet validation set: PGD,
# 5 steps of 0.25/255 from a random start in the L-infinity ball of radius 1/255.
#   tools/test.py configs/robustness/vit-base-p16_pgd.py FINETUNED.pth
_base_ = 'vit-base-p16_fgsm.py'

test_cfg = dict(eps=1 / 255, step_size=0.25 / 255, steps=5, random_start=True)
test_evaluator = dict(prefix='pgd')
