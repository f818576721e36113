"""Extracts the ConMIM teacher's backbone from a pre-training checkpoint.

ConMIM fine-tunes from the teacher (the EMA network), not from the student. The teacher's
``BEiTPretrainViT`` weights (``teacher.module.backbone.*``) are written under ``backbone.``
with no optimizer or training state, so the file loads with ``torch.load(weights_only=True)``
and the fine-tuning configs read it with
``init_cfg=dict(type='Pretrained', checkpoint=DST, prefix='backbone.')``; mmpretrain's
``BEiTViT`` expands the shared relative position bias to every block when it loads.

Usage: python tools/model_converters/conmim_teacher_to_backbone.py SRC DST
"""
import argparse

from mfm_mm.apis.checkpoint import check_output_path, load_backbone_weights, save_weights
from mfm_mm.apis.convert_weights import to_mmpretrain

TEACHER_BACKBONE = 'teacher.module.backbone.'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='ConMIM pre-training checkpoint (work_dirs/.../epoch_800.pth)')
    parser.add_argument('dst', help='output file')
    args = parser.parse_args()
    try:
        check_output_path(args.dst)
        weights = load_backbone_weights(args.src, prefix=TEACHER_BACKBONE)
        save_weights(to_mmpretrain(weights), args.dst,
                     meta=dict(source=args.src, converter='conmim_teacher_to_backbone'))
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'conmim_teacher_to_backbone: {err} (expected a ConMIM checkpoint '
                         'with teacher weights)')
    print(f'{len(weights)} teacher backbone tensors from {args.src} written to {args.dst}')


if __name__ == '__main__':
    main()
