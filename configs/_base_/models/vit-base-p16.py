# MFM's ViT-B/16 at 224 px: BEiT-style, with an absolute position embedding, no relative
# position bias, no layer scale and q/v biases. The pre-training model (mfm_vit-base-p16.py) and
# the linear-probing and fine-tuning configs all use it. It is a variable rather than a `model`,
# so configs whose other bases already define the model (mmpretrain's recipes) can take it too:
# `backbone=dict(_base_.vit_backbone, drop_path_rate=0.1, ...)`.
vit_backbone = dict(
    type='BEiTViT',
    arch='base',
    img_size=224,
    patch_size=16,
    use_abs_pos_emb=True,
    use_rel_pos_bias=False,
    use_shared_rel_pos_bias=False,
    layer_scale_init_value=0.0)
