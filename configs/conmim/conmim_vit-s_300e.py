# ConMIM ViT-S/16 (384 dims, 12 layers, 6 heads), 300 epochs, 8 GPUs x 256 images, AMP
# (paper: 82.0 top-1 after fine-tuning). Same recipe and lr assumption as ViT-B.
_base_ = 'conmim_vit-b_300e.py'

model = dict(backbone=dict(arch='deit-small'), neck=dict(in_channels=384))
