# MFM with band masks, ViT-B/16, 300 epochs: per image, either only the band 16 <= d < 48 is
# kept (band-pass) or only that band is removed (band-stop), each with probability 0.5. The
# loss scores the removed frequencies.
_base_ = '../mfm_vit-b_300e.py'

train_pipeline = [dict(s, radius=16, band_outer=48) if s['type'] == 'FrequencyMaskGenerator' else s
                  for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
