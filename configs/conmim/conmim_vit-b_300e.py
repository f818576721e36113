# ConMIM ViT-B/16, 300 epochs on ImageNet-1k, 8 GPUs x 256 images, AMP (paper: 83.5 top-1
# after 100-epoch fine-tuning from the teacher).
#   tools/dist_train.sh configs/conmim/conmim_vit-b_300e.py 8
_base_ = [
    '_base_/conmim_vit-base-p16.py',
    '_base_/imagenet_bs256_conmim_224.py',
    '_base_/conmim_adamw_coslr-300e_bs2048.py',
    '_base_/conmim_runtime.py',
]
