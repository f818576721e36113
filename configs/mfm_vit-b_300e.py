# MFM ViT-B/16, 300 epochs on ImageNet-1k, 8 GPUs x 256 images, AMP (paper: 83.1 top-1
# after 100-epoch fine-tuning).
_base_ = [
    '_base_/models/mfm_vit-base-p16.py',
    '_base_/datasets/imagenet_bs256_mfm_224.py',
    '_base_/schedules/mfm_adamw_coslr-300e_bs2048.py',
    '_base_/mfm_runtime.py',
]
