"""Converts an MFM / ConMIM / MAE checkpoint for mmpretrain classifiers.

SRC is this project's pre-training checkpoint or an official release (MFM ViT / ResNet-50
pre-train or fine-tune, timm's ResNet-50 fine-tune, ConMIM fine-tune, MAE pre-train or
fine-tune); the format is detected and printed. The output holds only ``backbone.*`` tensors
(and ``head.fc.*`` for fine-tuned releases), no optimizer or training state, so it loads with
``torch.load(weights_only=True)`` anywhere; the fine-tuning / linear-probing configs read it
with ``init_cfg=dict(type='Pretrained', checkpoint=DST, prefix='backbone.')``.

Usage: python tools/model_converters/mfm2mmpretrain.py SRC DST
"""
import argparse

from mfm_mm.apis.checkpoint import convert_checkpoint, describe_conversion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint: work_dirs/.../epoch_300.pth or an official release')
    parser.add_argument('dst', help='output file')
    args = parser.parse_args()
    try:
        release, converted = convert_checkpoint(args.src, args.dst, 'mmpretrain')
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'mfm2mmpretrain: {err}')
    print(describe_conversion(release, converted, args.dst))


if __name__ == '__main__':
    main()
