# MFM with a radius drawn per image, ViT-B/16, 300 epochs: an integer radius uniform in
# [8, 32] (the released radius 16 in the middle), low- or high-pass with probability 0.5.
_base_ = '../mfm_vit-b_300e.py'

train_pipeline = [dict(s, radius=(8, 32)) if s['type'] == 'FrequencyMaskGenerator' else s
                  for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
