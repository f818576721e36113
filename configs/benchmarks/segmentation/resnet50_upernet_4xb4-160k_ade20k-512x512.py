# ADE20K semantic segmentation with an MFM ResNet-50: mmseg's UperNet R-50 recipe (512 crop,
# 4 GPUs x 4 images, 160k iterations, SGD lr 0.01, poly decay) with the standard ResNet-50
# that MFM pre-trains instead of the V1c stem. `pretrained`: the weights written by
# tools/model_converters/mfm2mmseg.py (same names as mmpretrain's ResNet).
_base_ = 'mmseg::upernet/upernet_r50_4xb4-160k_ade20k-512x512.py'
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

pretrained = 'work_dirs/mfm_resnet50_300e/mmseg_backbone.pth'
model = dict(
    pretrained=None,
    backbone=dict(type='ResNet', init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
randomness = dict(seed=0)
# stop before training when the pre-trained file leaves backbone parameters unset (an
# unconverted official release, another architecture)
custom_hooks = [dict(type='PretrainedGuardHook')]
