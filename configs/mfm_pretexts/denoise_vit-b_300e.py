# Denoising pretext with the MFM recipe, ViT-B/16, 300 epochs (paper: 82.7 top-1 after 100-epoch
# fine-tuning): Gaussian noise, sigma 75/255 on [0, 1] per pixel and channel, not clipped; the
# loss scores all frequencies.
_base_ = '../mfm_vit-b_300e.py'

train_pipeline = [s for s in _base_.train_pipeline if s['type'] != 'FrequencyMaskGenerator']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    corruption=dict(type='GaussianNoiseCorruption', sigma=75 / 255))
