"""Converts an MFM pre-training checkpoint for the downstream config that will load it.

mmseg configs (``default_scope='mmseg'``) get ``mfm2mmseg`` weights at the config's crop
size (after ``--cfg-options``, so mmseg has nothing left to resize), mmpretrain configs
``mfm2mmpretrain`` weights. Other train.py flags are ignored.
Prints the written path.

Usage: python tools/benchmarks/convert_pretrain.py CONFIG PRETRAIN OUT [train.py args...]
"""
import argparse

from mmengine.config import DictAction

from mfm_mm.utils import (load_backbone_weights, load_config, save_weights, to_mmpretrain,
                          to_mmseg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='downstream config')
    parser.add_argument('pretrain', help='MFM pre-training checkpoint')
    parser.add_argument('out', help='converted weights to write')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='the overrides train.py will apply')
    args, _ = parser.parse_known_args()
    try:
        cfg = load_config(args.config, cfg_options=args.cfg_options)
        weights = load_backbone_weights(args.pretrain)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'convert_pretrain: {err}')
    if cfg.get('default_scope') == 'mmseg':
        img_size = cfg.model.backbone.get('img_size', 512)
        img_size = img_size[0] if isinstance(img_size, (tuple, list)) else img_size
        converted, converter = to_mmseg(weights, img_size=img_size), 'mfm2mmseg'
    else:
        converted, converter = to_mmpretrain(weights), 'mfm2mmpretrain'
    save_weights(converted, args.out, meta=dict(source=args.pretrain, converter=converter))
    print(args.out)


if __name__ == '__main__':
    main()
