"""Extracts the backbone of an MFM pre-training checkpoint for mmpretrain classifiers.

The output holds only ``backbone.*`` tensors (no optimizer or training state), so it loads
with ``torch.load(weights_only=True)`` anywhere and the fine-tuning / linear-probing configs
read it with ``init_cfg=dict(type='Pretrained', checkpoint=OUT, prefix='backbone.')``.

Usage: python tools/model_converters/mfm2mmpretrain.py SRC DST
"""
import argparse

from mfm_mm.utils import load_backbone_weights, save_weights, to_mmpretrain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='MFM pre-training checkpoint (e.g. work_dirs/.../epoch_300.pth)')
    parser.add_argument('dst', help='output file')
    args = parser.parse_args()
    try:
        weights = load_backbone_weights(args.src)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'mfm2mmpretrain: {err}')
    save_weights(to_mmpretrain(weights), args.dst,
                 meta=dict(source=args.src, converter='mfm2mmpretrain'))
    print(f'{len(weights)} backbone tensors from {args.src} written to {args.dst}')


if __name__ == '__main__':
    main()
