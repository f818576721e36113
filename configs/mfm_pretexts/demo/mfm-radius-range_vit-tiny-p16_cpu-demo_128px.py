# MFM with a radius drawn per image on the CPU demo (ViT-Tiny/16, 128 px): uniform in [5, 18],
# the 224 px range [8, 32] scaled.
_base_ = '../../demo/mfm_vit-tiny-p16_cpu-demo_128px.py'

train_pipeline = [dict(s, radius=(5, 18)) if s['type'] == 'FrequencyMaskGenerator' else s
                  for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
