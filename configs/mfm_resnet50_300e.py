# MFM ResNet-50, 300 epochs, 8 GPUs x 256 images, AMP; low-pass probability 0.3
# (paper: 78.5 top-1 after 100-epoch fine-tuning, 80.1 after 300).
_base_ = [
    '_base_/models/mfm_resnet50.py',
    '_base_/datasets/imagenet_bs256_mfm_224.py',
    '_base_/schedules/mfm_adamw_coslr-300e_bs2048.py',
    '_base_/mfm_runtime.py',
]

train_pipeline = [dict(s, low_pass_prob=0.3) if s['type'] == 'FrequencyMaskGenerator' else s
                  for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
