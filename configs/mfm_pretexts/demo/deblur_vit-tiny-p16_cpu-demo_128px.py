# Deblurring pretext on the CPU demo (ViT-Tiny/16, 128 px, bundled photos): the demo recipe
# with the paper's Gaussian blur (sigma 5 px, kernel 7-21) and the all-bins loss.
_base_ = '../../demo/mfm_vit-tiny-p16_cpu-demo_128px.py'

train_pipeline = [s for s in _base_.train_pipeline if s['type'] != 'FrequencyMaskGenerator']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    corruption=dict(
        type='GaussianBlurCorruption', sigma=5.0, kernel_sizes=(7, 9, 11, 13, 15, 17, 19, 21)))
