"""Build-time checks of the config values that would otherwise fail deep inside a run."""
import os.path as osp
from typing import Optional, Tuple

from mmengine.config import Config

LOADERS = {'train': ('train_dataloader', 'val_dataloader'), 'test': ('test_dataloader', )}
CROPS = ('RandomResizedCrop', 'RandomResizedCropWithBox', 'RandomCrop', 'CenterCrop')


def _size(value) -> Tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)[::-1]  # (H, W)


def _innermost_dataset(loader: dict) -> dict:
    dataset = loader.get('dataset', {})
    while isinstance(dataset.get('dataset'), dict):  # dataset wrappers
        dataset = dataset['dataset']
    return dataset


def _crop_size(pipeline) -> Optional[Tuple[int, int]]:
    for transform in pipeline:
        if transform.get('type') in CROPS:
            size = transform.get('scale', transform.get('crop_size'))
            return None if size is None else _size(size)
    return None


def check_config(cfg: Config, phase: str = 'train') -> None:
    """Fails early, naming the option, on missing data and inconsistent input sizes.

    Args:
        cfg: The full config.
        phase: ``'train'`` checks the train and val loaders, ``'test'`` the test loader.

    Raises:
        FileNotFoundError: A dataloader's ``data_root`` does not exist.
        ValueError: The train crop, ``FrequencyMaskGenerator.input_size`` and
            ``model.backbone.img_size`` disagree.
    """
    for name in LOADERS[phase]:
        loader = cfg.get(name)
        if not loader:
            continue
        root = _innermost_dataset(loader).get('data_root')
        if root and '://' not in root and not osp.isdir(root):
            raise FileNotFoundError(
                f'{name}.dataset.data_root: directory not found: {root!r} (set it in the config '
                f'or with --cfg-options {name}.dataset.data_root=PATH)')
    if phase != 'train' or not cfg.get('train_dataloader'):
        return
    pipeline = _innermost_dataset(cfg.train_dataloader).get('pipeline', [])
    crop = _crop_size(pipeline)
    if crop is None:
        return
    for transform in pipeline:
        if transform.get('type') == 'FrequencyMaskGenerator':
            mask = _size(transform.get('input_size', 224))
            if mask != crop:
                raise ValueError(
                    f'train_dataloader.dataset.pipeline: FrequencyMaskGenerator.input_size '
                    f'{mask} must equal the crop size {crop}')
    img_size = cfg.get('model', {}).get('backbone', {}).get('img_size')
    if img_size is not None and _size(img_size) != crop:
        raise ValueError(f'model.backbone.img_size {_size(img_size)} must equal the train crop '
                         f'size {crop} of train_dataloader.dataset.pipeline')
