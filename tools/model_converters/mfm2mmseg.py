"""Converts an MFM pre-training checkpoint into mmseg backbone weights.

ViT: mmpretrain ``BEiTViT`` names -> mmseg ``MAE`` names (q/v biases merged into
``qkv.bias``, identity layer scale and relative position bias added) and the position
embedding interpolated to ``--img-size``. ResNet: the names are already mmseg's. The output
is read by ``model.backbone.init_cfg=dict(type='Pretrained', checkpoint=OUT)``.

Usage: python tools/model_converters/mfm2mmseg.py SRC DST [--img-size 512]
"""
import argparse

from mfm_mm.utils import load_backbone_weights, save_weights, to_mmseg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='MFM pre-training checkpoint (e.g. work_dirs/.../epoch_300.pth)')
    parser.add_argument('dst', help='output file')
    parser.add_argument('--img-size', type=int, default=512,
                        help='segmentation crop side the ViT position embedding is resized to')
    parser.add_argument('--num-heads', type=int, default=None,
                        help='ViT attention heads (default: embedding channels / 64)')
    args = parser.parse_args()
    if args.img_size <= 0:
        parser.error(f'--img-size must be positive, got {args.img_size}')
    try:
        weights = load_backbone_weights(args.src)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'mfm2mmseg: {err}')
    converted = to_mmseg(weights, img_size=args.img_size, num_heads=args.num_heads)
    save_weights(converted, args.dst, meta=dict(
        source=args.src, converter='mfm2mmseg', img_size=args.img_size))
    print(f'{len(converted)} mmseg backbone tensors from {args.src} written to {args.dst}')


if __name__ == '__main__':
    main()
