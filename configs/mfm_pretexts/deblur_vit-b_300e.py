# Deblurring pretext with the MFM recipe, ViT-B/16, 300 epochs (paper: 81.7 top-1 after 100-epoch
# fine-tuning): isotropic Gaussian blur, sigma 5 px, kernel size drawn per image from
# {7, 9, ..., 21}; the loss scores all frequencies.
_base_ = '../mfm_vit-b_300e.py'

train_pipeline = [s for s in _base_.train_pipeline if s['type'] != 'FrequencyMaskGenerator']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    corruption=dict(
        type='GaussianBlurCorruption', sigma=5.0, kernel_sizes=(7, 9, 11, 13, 15, 17, 19, 21)))
