"""Converts an MFM / MAE pre-training checkpoint into mmseg backbone weights.

SRC is this project's pre-training checkpoint or an official pre-trained release (MFM ViT /
ResNet-50, MAE ViT; timm's ResNet-50 fine-tune too); the format is detected and printed.
ViT: mmseg ``MAE`` names (q/v biases merged into ``qkv.bias``, identity layer scale and
relative position bias added) and the position embedding interpolated to ``--img-size``.
ResNet: the names are already mmseg's. The output is read by
``model.backbone.init_cfg=dict(type='Pretrained', checkpoint=DST)``.

Usage: python tools/model_converters/mfm2mmseg.py SRC DST [--img-size 512]
"""
import argparse

from mfm_mm.apis.checkpoint import convert_checkpoint, describe_conversion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint: work_dirs/.../epoch_300.pth or an official release')
    parser.add_argument('dst', help='output file')
    parser.add_argument('--img-size', type=int, default=512,
                        help='segmentation crop side the ViT position embedding is resized to')
    parser.add_argument('--num-heads', type=int, default=None,
                        help='ViT attention heads (default: embedding channels / 64)')
    args = parser.parse_args()
    if args.img_size <= 0:
        parser.error(f'--img-size must be positive, got {args.img_size}')
    try:
        release, converted = convert_checkpoint(args.src, args.dst, 'mmseg',
                                                img_size=args.img_size, num_heads=args.num_heads)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'mfm2mmseg: {err}')
    print(describe_conversion(release, converted, args.dst))


if __name__ == '__main__':
    main()
