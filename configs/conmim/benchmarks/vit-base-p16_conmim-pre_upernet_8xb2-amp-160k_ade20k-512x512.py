# ADE20K UperNet with a ConMIM ViT-B/16: the MFM ADE20K recipe (512 crop, 8 GPUs x 2 images,
# 160k iterations, AdamW lr 7e-4, layer-wise lr decay 0.65, 1500 warm-up iterations, poly decay,
# drop path 0.1, blocks 4/6/8/12 through Feature2Pyramid, slide inference, AMP) with ConMIM's
# backbone: mmpretrain's BEiTViT (no absolute position embedding, relative position bias per
# block expanded from the shared one and resized 14x14 -> 32x32, layer scale), loaded from the
# teacher weights of tools/model_converters/conmim_teacher_to_backbone.py.
_base_ = '../../benchmarks/segmentation/vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py'

pretrained = 'work_dirs/conmim_vit-b_800e/teacher_backbone.pth'
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.BEiTViT',
        arch='base',
        img_size=_base_.crop_size[0],  # the square 512 crop of the MFM recipe
        patch_size=16,
        out_indices=(3, 5, 7, 11),
        out_type='featmap',
        drop_path_rate=0.1,
        final_norm=True,
        use_abs_pos_emb=False,
        use_rel_pos_bias=True,
        use_shared_rel_pos_bias=False,
        layer_scale_init_value=0.1,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
