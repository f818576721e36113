# MFM with band masks on the CPU demo (ViT-Tiny/16, 128 px): band 9 <= d < 27 kept only
# (band-pass) or removed only (band-stop), the 224 px band 16-48 scaled.
_base_ = '../../demo/mfm_vit-tiny-p16_cpu-demo_128px.py'

train_pipeline = [dict(s, radius=9, band_outer=27) if s['type'] == 'FrequencyMaskGenerator' else s
                  for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
