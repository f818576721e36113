"""Shrinks the downstream GPU recipes to CPU size without changing their code path.

The returned ``--cfg-options`` (dotted keys, plain values, so they also work on the command
line) point a config at a small labelled set, a small ViT and a short schedule; everything
else (pipelines, layer-wise lr decay, batch augments, heads, evaluators) stays the recipe's.
"""
from typing import Any, Dict, Optional, Sequence, Union

Options = Dict[str, Any]
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def schedule_options(warmup: int, end: int, by_epoch: bool,
                     decay: Optional[str] = None) -> Options:
    """Options for a warm-up then a decay over ``end`` epochs or iterations, seed 0.

    Args:
        warmup: Warm-up length.
        end: Training length; also the checkpoint and validation interval.
        by_epoch: Epochs (classification) or iterations (segmentation).
        decay: The type of the config's decay scheduler after its ``LinearLR`` warm-up
            (``'PolyLR'``, ``'CosineAnnealingLR'``: the demo's downstream configs and the
            UperNet benchmark); ``None``: the config's schedule is one ``WarmupCosineLR``
            (the benchmarks' ViT fine-tune).

    Returns:
        ``--cfg-options`` as a dict (schedulers named by type).
    """
    if decay is None:
        options = {'param_scheduler.warmup': warmup, 'param_scheduler.end': end}
    else:
        options = {'param_scheduler.LinearLR.end': warmup,
                   f'param_scheduler.{decay}.begin': warmup, f'param_scheduler.{decay}.end': end}
        if decay == 'CosineAnnealingLR':
            options[f'param_scheduler.{decay}.T_max'] = end - warmup
    options.update({'default_hooks.checkpoint.interval': end, 'train_cfg.val_interval': end,
                    'randomness.seed': 0,
                    'train_cfg.max_epochs' if by_epoch else 'train_cfg.max_iters': end})
    return options


def task_options(data_root: str, warmup: int, end: int, by_epoch: bool,
                 decay: Optional[str] = None) -> Options:
    """:func:`schedule_options` without the seed (``mfm_mm.demo.compare`` seeds each run) and
    with the data root of every loader: what both arms of a demo task share.

    Args:
        data_root: The task's dataset root.
        warmup, end, by_epoch, decay: As for :func:`schedule_options`.

    Returns:
        ``--cfg-options`` as a dict; by epoch, a validation after every epoch.
    """
    options = schedule_options(warmup, end, by_epoch, decay)
    options.pop('randomness.seed')
    if by_epoch:
        options['train_cfg.val_interval'] = 1  # a point of the curve per epoch
    options.update({f'{loader}.dataset.data_root': data_root for loader in LOADERS})
    return options


def _datasets(data_root: str, classes: Sequence[str], batch_size: int) -> Options:
    options = {'train_dataloader.batch_size': batch_size}
    for loader in LOADERS:
        options.update({f'{loader}.dataset.data_root': data_root,
                        f'{loader}.dataset.metainfo.classes': list(classes),
                        f'{loader}.num_workers': 2})
    return options


def classification_options(data_root: str, classes: Sequence[str], arch: dict,
                           pretrained: Optional[str], img_size: int = 64, epochs: int = 4,
                           batch_size: int = 16, lr: float = 1e-3) -> Options:
    """Options for a ViT fine-tuning config (``configs/benchmarks/classification/vit-*``).

    Args:
        data_root: ImageNet-layout root with ``meta/{train,val}.txt``.
        classes: Class names.
        arch: ``BEiTViT`` arch (``embed_dims``, ``num_layers``, ``num_heads``,
            ``feedforward_channels``).
        pretrained: Converted backbone (``tools/model_converters/mfm2mmpretrain.py``);
            ``None`` keeps the recipe's checkpoint path.
        img_size: Training crop and test crop side.
        epochs: Epochs, the first one a linear warm-up.
        batch_size: Training batch size.
        lr: Peak learning rate of the top layer (the recipe's layer decay applies below it).

    Returns:
        ``--cfg-options`` as a dict.
    """
    options = _datasets(data_root, classes, batch_size)
    options.update(schedule_options(1, epochs, by_epoch=True))
    options.update({f'model.backbone.arch.{key}': value for key, value in arch.items()})
    options.update({
        'model.backbone.arch._delete_': True,
        'model.backbone.img_size': img_size,
        'model.head.in_channels': arch['embed_dims'],
        'model.head.num_classes': len(classes),
        'data_preprocessor.num_classes': len(classes),
        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale': img_size,
        'val_dataloader.dataset.pipeline.ResizeEdge.scale': img_size * 256 // 224,
        'val_dataloader.dataset.pipeline.CenterCrop.crop_size': img_size,
        'test_dataloader.dataset.pipeline.ResizeEdge.scale': img_size * 256 // 224,
        'test_dataloader.dataset.pipeline.CenterCrop.crop_size': img_size,
        'optim_wrapper.optimizer.lr': lr,
        'param_scheduler.min_ratio': 0.01,
        'default_hooks.logger.interval': 5,
    })
    if pretrained is not None:
        options['model.backbone.init_cfg.checkpoint'] = pretrained
    return options


def segmentation_options(data_root: str, classes: Sequence[str], arch: dict,
                         pretrained: Optional[str], crop: int = 64, image_size: int = 96,
                         iters: int = 40, batch_size: int = 8, lr: float = 1e-3,
                         out_indices: Union[Sequence[int], None] = None) -> Options:
    """Options for the ViT UperNet config (``configs/benchmarks/segmentation/vit-*``).

    Args:
        data_root: ADE20K-layout root (``images/``, ``annotations/``).
        classes: Class names (labels stored ADE20K-style as ``class + 1``).
        arch: ViT arch as for :func:`classification_options`.
        pretrained: Converted backbone (``tools/model_converters/mfm2mmseg.py --img-size
            crop``); ``None`` keeps the recipe's checkpoint path.
        crop: Training crop and sliding-window side.
        image_size: Short side the images are resized to (validation slides over it).
        iters: Training iterations, the first tenth a linear warm-up.
        batch_size: Training batch size.
        lr: Peak learning rate of the top layer.
        out_indices: Blocks feeding the neck; default the recipe's 4/6/8/12 of 12, scaled
            to the depth.

    Returns:
        ``--cfg-options`` as a dict.
    """
    layers, dims = arch['num_layers'], arch['embed_dims']
    out_indices = list(out_indices or [round(layers * k / 12) - 1 for k in (4, 6, 8, 12)])
    options = _datasets(data_root, classes, batch_size)
    options.update(schedule_options(max(1, iters // 10), iters, by_epoch=False, decay='PolyLR'))
    for loader in LOADERS:
        options.update({f'{loader}.dataset.type': 'BaseSegDataset',
                        f'{loader}.dataset.reduce_zero_label': True})
        resize = 'RandomResize' if loader == 'train_dataloader' else 'Resize'
        options[f'{loader}.dataset.pipeline.{resize}.scale'] = (4 * image_size, image_size)
    options.update({
        'model.backbone.img_size': (crop, crop),
        'model.backbone.embed_dims': dims,
        'model.backbone.num_layers': layers,
        'model.backbone.num_heads': arch['num_heads'],
        'model.backbone.mlp_ratio': arch['feedforward_channels'] // dims,
        'model.backbone.out_indices': out_indices,
        'model.neck.embed_dim': dims,
        'model.decode_head.in_channels': [dims] * 4,
        'model.decode_head.channels': 64,
        'model.decode_head.num_classes': len(classes),
        'model.auxiliary_head.in_channels': dims,
        'model.auxiliary_head.channels': 32,
        'model.auxiliary_head.num_classes': len(classes),
        'model.data_preprocessor.size': (crop, crop),
        'model.test_cfg.crop_size': (crop, crop),
        'model.test_cfg.stride': (crop * 2 // 3, crop * 2 // 3),
        'train_dataloader.dataset.pipeline.RandomCrop.crop_size': (crop, crop),
        'optim_wrapper.optimizer.lr': lr,
        'optim_wrapper.paramwise_cfg.num_layers': layers,
        'default_hooks.logger.interval': 5,
    })
    if pretrained is not None:
        options['model.backbone.init_cfg.checkpoint'] = pretrained
    return options


def as_cli(options: Options) -> list:
    """``key=value`` strings for ``--cfg-options`` on a command line."""
    return [f'{key}={value}'.replace(' ', '') for key, value in options.items()]
