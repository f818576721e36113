# Super-resolution pretext with the MFM recipe, ViT-B/16, 300 epochs (paper: 82.4 top-1 after
# 100-epoch fine-tuning): the encoder sees a bicubic x8 down- and up-sampled image, the loss
# scores all frequencies. No frequency mask in the pipeline.
_base_ = '../mfm_vit-b_300e.py'

train_pipeline = [s for s in _base_.train_pipeline if s['type'] != 'FrequencyMaskGenerator']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    corruption=dict(type='SuperResolutionCorruption', scale=8))
