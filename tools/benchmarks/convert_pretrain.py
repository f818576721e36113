"""Converts a pre-training checkpoint (or an official release) for the config that loads it.

mmseg configs (``default_scope='mmseg'``) get ``mfm2mmseg`` weights at the config's crop
size (after ``--cfg-options``, so mmseg has nothing left to resize), mmpretrain configs
``mfm2mmpretrain`` weights. Other train.py flags are ignored.
Prints what it detected and how many tensors it wrote.

Usage: python tools/benchmarks/convert_pretrain.py CONFIG PRETRAIN OUT [train.py args...]
"""
import argparse

from mmengine.config import DictAction

from mfm_mm.engine.runner import load_config
from mfm_mm.apis.checkpoint import convert_checkpoint, describe_conversion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='downstream config')
    parser.add_argument('pretrain', help='pre-training checkpoint or official release')
    parser.add_argument('out', help='converted weights to write')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='the overrides train.py will apply')
    args, _ = parser.parse_known_args()
    try:
        cfg = load_config(args.config, cfg_options=args.cfg_options)
        if cfg.get('default_scope') == 'mmseg':
            img_size = cfg.model.backbone.get('img_size', 512)
            img_size = img_size[0] if isinstance(img_size, (tuple, list)) else img_size
            release, converted = convert_checkpoint(args.pretrain, args.out, 'mmseg',
                                                    img_size=img_size)
        else:
            release, converted = convert_checkpoint(args.pretrain, args.out, 'mmpretrain')
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'convert_pretrain: {err}')
    print(describe_conversion(release, converted, args.out))


if __name__ == '__main__':
    main()
