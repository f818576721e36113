# ConMIM ViT-B/16, 800 epochs: the 300-epoch recipe with a longer cosine, 10 warm-up epochs kept
# (paper: 83.7 top-1 after 100-epoch fine-tuning).
#   tools/dist_train.sh configs/conmim/conmim_vit-b_800e.py 8
_base_ = 'conmim_vit-b_300e.py'

max_epochs = 800
param_scheduler = dict(end=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
