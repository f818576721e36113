# Denoising pretext on the CPU demo (ViT-Tiny/16, 128 px, bundled photos): the demo recipe
# with Gaussian noise sigma 75/255 (not clipped) and the all-bins loss.
_base_ = '../../demo/mfm_vit-tiny-p16_cpu-demo_128px.py'

train_pipeline = [s for s in _base_.train_pipeline if s['type'] != 'FrequencyMaskGenerator']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    corruption=dict(type='GaussianNoiseCorruption', sigma=75 / 255))
