# MFM ViT-B/16, 800 epochs: the 300-epoch recipe with a longer cosine (20 warm-up epochs kept).
#   tools/dist_train.sh configs/mfm_vit-b_800e.py 8
_base_ = 'mfm_vit-b_300e.py'

max_epochs = 800
param_scheduler = dict(end=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
