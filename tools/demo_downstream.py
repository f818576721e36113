"""CPU demo of the downstream benchmarks, after ``tools/demo.py`` pre-trained MFM.

1. Classification: scikit-learn's handwritten digits in the ImageNet layout, fine-tuned with
   the ViT fine-tuning recipe (``configs/benchmarks/classification/``) twice: from the MFM
   checkpoint (converted by ``mfm2mmpretrain``) and from a random initialisation (the
   pre-training's own init), reporting both top-1 accuracies.
2. Segmentation: crops of scikit-image's ``coins`` with watershed masks in the ADE20K layout,
   UperNet from the MFM checkpoint (converted by ``mfm2mmseg``) with the ViT UperNet recipe
   (``configs/benchmarks/segmentation/``), reporting mIoU with slide inference.

Sizes and schedules are shrunk by :mod:`mfm_mm.demo.downstream`; for 300 images and a few
hundred steps the classification run also turns off mixup / cutmix and uses gentler crops.
"""
import argparse
import os.path as osp
import time
from typing import Optional, Tuple

import mfm_mm  # noqa: F401
from mfm_mm.demo import (COIN_CLASSES, DIGIT_CLASSES, classification_options,
                         segmentation_options, write_coins_ade20k_folder,
                         write_digits_imagenet_folder)
from mfm_mm.utils import (build_runner, load_backbone_weights, load_config, save_weights,
                          to_mmpretrain, to_mmseg, vit_arch)

CONFIGS = osp.join(osp.dirname(osp.abspath(__file__)), '..', 'configs', 'benchmarks')
FINETUNE = osp.join(CONFIGS, 'classification', 'vit-base-p16_8xb256-coslr-100e_in1k.py')
UPERNET = osp.join(CONFIGS, 'segmentation', 'vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py')
# The MFM pre-training init (configs/_base_/models/mfm_vit-base-p16.py), for the scratch run.
SCRATCH_INIT = [
    dict(type='TruncNormal', std=0.02, layer='Linear'),
    dict(type='TruncNormal', std=0.02, layer='Conv2d'),
    dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0),
]
SMALL_DATA = {'model.train_cfg.augments': None,
              'train_dataloader.dataset.pipeline.1.crop_ratio_range': (0.6, 1.0)}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Downstream demo on CPU')
    parser.add_argument('--checkpoint', default='work_dirs/demo/epoch_50.pth',
                        help='MFM pre-training checkpoint (written by make demo)')
    parser.add_argument('--work-dir', default='work_dirs/demo_downstream')
    parser.add_argument('--data-root', default='data/demo_downstream',
                        help='where the labelled sets are written')
    parser.add_argument('--img-size', type=int, default=64, help='classification crop')
    parser.add_argument('--epochs', type=int, default=20, help='classification epochs')
    parser.add_argument('--train-per-class', type=int, default=30)
    parser.add_argument('--val-per-class', type=int, default=30)
    parser.add_argument('--seg-iters', type=int, default=150, help='segmentation iterations')
    return parser.parse_args()


def run(config: str, work_dir: str, options: dict, metric: str) -> Tuple[float, float]:
    """Trains ``config`` with ``options`` through the project's runner.

    Returns:
        The final validation ``metric`` and the seconds the run took.
    """
    start = time.time()
    cfg = load_config(config, work_dir=work_dir, cfg_options=options)
    runner = build_runner(cfg)
    runner.train()
    return runner.message_hub.get_scalar(f'val/{metric}').current(), time.time() - start


def classify(args: argparse.Namespace, arch: dict, pretrained: Optional[str],
             name: str) -> Tuple[float, float]:
    options = classification_options(
        osp.join(args.data_root, 'digits'), DIGIT_CLASSES, arch, pretrained,
        img_size=args.img_size, epochs=args.epochs, lr=2e-3)
    options.update(SMALL_DATA)
    if pretrained is None:
        options['model.backbone.init_cfg'] = SCRATCH_INIT
    return run(FINETUNE, osp.join(args.work_dir, f'digits_{name}'), options, 'accuracy/top1')


def main() -> None:
    args = parse_args()
    start = time.time()
    try:
        weights = load_backbone_weights(args.checkpoint)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'{err}\nrun `make demo` (tools/demo.py) first to pre-train MFM')
    arch = vit_arch(weights)
    digits = write_digits_imagenet_folder(
        osp.join(args.data_root, 'digits'), size=args.img_size,
        train_per_class=args.train_per_class, val_per_class=args.val_per_class)
    crop, image_size = 64, 96
    coins = write_coins_ade20k_folder(osp.join(args.data_root, 'coins'), size=image_size)
    print(f'digits {digits} and coins {coins} written to {args.data_root}')
    classifier = save_weights(to_mmpretrain(weights),
                              osp.join(args.work_dir, 'pretrain', 'mmpretrain_backbone.pth'))
    segmentor = save_weights(to_mmseg(weights, img_size=crop),
                             osp.join(args.work_dir, 'pretrain', 'mmseg_backbone.pth'))

    mfm_top1, mfm_time = classify(args, arch, classifier, 'mfm')
    scratch_top1, scratch_time = classify(args, arch, None, 'scratch')
    seg_options = segmentation_options(
        osp.join(args.data_root, 'coins'), COIN_CLASSES, arch, segmentor, crop=crop,
        image_size=image_size, iters=args.seg_iters)
    miou, seg_time = run(UPERNET, osp.join(args.work_dir, 'coins_mfm'), seg_options, 'mIoU')
    print(f'\nDownstream demo finished in {time.time() - start:.0f} s '
          f'(MFM checkpoint {args.checkpoint})\n'
          f'digits top-1, MFM init:    {mfm_top1:.1f} % ({mfm_time:.0f} s)\n'
          f'digits top-1, random init: {scratch_top1:.1f} % ({scratch_time:.0f} s)\n'
          f'coins mIoU, MFM init:      {miou:.1f} % ({seg_time:.0f} s)')


if __name__ == '__main__':
    main()
