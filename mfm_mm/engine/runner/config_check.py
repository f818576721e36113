"""Build-time checks of the config values that would otherwise fail deep inside a run."""
import logging
import os.path as osp
from typing import Tuple

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmpretrain.registry import TRANSFORMS

from ...utils.options import check_number
from ...utils.pipeline import crop_size, innermost_dataset, size_hw, transform_index

LOADERS = {'train': ('train_dataloader', 'val_dataloader'), 'test': ('test_dataloader', )}


def _check_frequency_mask(pipeline, crop: Tuple[int, int]) -> None:
    """Builds the frequency mask of the crop size, so a radius that does not fit fails now."""
    try:
        index = transform_index(pipeline, 'FrequencyMaskGenerator')
    except ValueError:
        return
    try:
        with DefaultScope.overwrite_default_scope('mmpretrain'):  # also from an mmseg scope
            TRANSFORMS.build(pipeline[index]).masks(crop)
    except (TypeError, ValueError) as error:
        raise type(error)(f'train_dataloader.dataset.pipeline[{index}] (crop size {crop}): '
                          f'{error}') from None
    input_size = pipeline[index].get('input_size')
    if input_size is not None and size_hw(input_size)[::-1] != crop:
        raise ValueError(
            f'train_dataloader.dataset.pipeline: FrequencyMaskGenerator.input_size '
            f'{size_hw(input_size)[::-1]} must equal the crop size {crop} (or be left out: the '
            'mask takes the size of the image)')


def _schedulers(cfg: Config) -> list:
    """The config's ``param_scheduler`` as a list (one scheduler may be a dict)."""
    schedulers = cfg.get('param_scheduler') or []
    return [schedulers] if isinstance(schedulers, dict) else list(schedulers)


def _check_schedule_fits(cfg: Config) -> None:
    """A ``WarmupCosineLR`` that ends before the run fails; one that ends after it warns.

    Ending before the run would keep the lr at its floor for the remaining epochs (a longer
    ``max_epochs`` without the schedule); ending after it is a run stopped part-way through its
    cosine (continued later with ``--resume``), or a shortened run whose lr never decays.
    """
    loop = cfg.get('train_cfg') or {}
    for index, scheduler in enumerate(_schedulers(cfg)):
        if scheduler.get('type') != 'WarmupCosineLR':
            continue
        unit = 'max_epochs' if scheduler.get('by_epoch', True) else 'max_iters'
        length = loop.get(unit)
        name = 'param_scheduler' if isinstance(cfg.param_scheduler, dict) else (
            f'param_scheduler[{index}]')
        end = scheduler.get('end')
        if length is None or end is None or end == length:
            continue
        advice = (f'the cosine of WarmupCosineLR spans the whole run; set both (e.g. '
                  f'--cfg-options train_cfg.{unit}={length} {name}.end={length})')
        if end < length:
            raise ValueError(f'{name}.end ({end}) ends before train_cfg.{unit} ({length}): the '
                             f'lr would stay at its floor for the rest of the run; {advice}')
        print_log(f'{name}.end ({end}) is after train_cfg.{unit} ({length}): this run stops '
                  f'part-way through the cosine (continue it with --resume and train_cfg.{unit}='
                  f'{end}); for a shorter run, {advice}', logger='current', level=logging.WARNING)


OPTIMIZER_NUMBERS = ('lr', 'weight_decay', 'momentum', 'eps')
SCHEDULER_NUMBERS = ('begin', 'end', 'T_max', 'eta_min', 'start_factor', 'end_factor', 'factor',
                     'gamma', 'power', 'eta_min_ratio', 'warmup', 'warmup_ratio',
                     'min_ratio')


def _check_schedule(cfg: Config) -> None:
    """``max_epochs`` / ``max_iters`` >= 1 and the optimizer's numbers, naming the option."""
    loop = cfg.get('train_cfg') or {}
    for name in ('max_epochs', 'max_iters', 'val_interval'):
        if name in loop:
            check_number('train_cfg', name, loop[name], integer=True, low=1)
    optimizer = (cfg.get('optim_wrapper') or {}).get('optimizer') or {}
    for name in OPTIMIZER_NUMBERS:
        if name in optimizer:
            check_number('optim_wrapper.optimizer', name, optimizer[name], low=0)
    for beta in optimizer.get('betas', ()):
        check_number('optim_wrapper.optimizer', 'betas', beta, low=0, high=1)
    for scheduler in _schedulers(cfg):
        for name in SCHEDULER_NUMBERS:
            if scheduler.get(name) is not None:
                check_number(f'param_scheduler {scheduler.get("type")}', name, scheduler[name])
    _check_schedule_fits(cfg)


def check_config(cfg: Config, phase: str = 'train') -> None:
    """Fails early, naming the option, on missing data and inconsistent input sizes.

    Args:
        cfg: The full config.
        phase: ``'train'`` checks the train and val loaders, ``'test'`` the test loader.

    Raises:
        FileNotFoundError: A dataloader's ``data_root`` does not exist.
        TypeError: ``train_cfg.max_epochs`` / ``max_iters``, a learning rate or another
            number of the optimizer or the schedulers is not a number (an int for counts).
        ValueError: ``max_epochs`` / ``max_iters`` below 1, a negative lr, a ``WarmupCosineLR``
            that does not end with the run; the train crop and ``model.backbone.img_size`` (or
            the optional ``FrequencyMaskGenerator.input_size``) disagree, or the mask radius
            does not fit the crop.
    """
    for name in LOADERS[phase]:
        loader = cfg.get(name)
        if not loader:
            continue
        root = innermost_dataset(loader).get('data_root')
        if root and '://' not in root and not osp.isdir(root):
            raise FileNotFoundError(
                f'{name}.dataset.data_root: directory not found: {root!r} (set it in the config '
                f'or with --cfg-options {name}.dataset.data_root=PATH)')
    if phase != 'train':
        return
    _check_schedule(cfg)
    if not cfg.get('train_dataloader'):
        return
    pipeline = innermost_dataset(cfg.train_dataloader).get('pipeline', [])
    crop = crop_size(pipeline)
    if crop is None:
        return
    _check_frequency_mask(pipeline, crop)
    img_size = cfg.get('model', {}).get('backbone', {}).get('img_size')
    if img_size is not None and size_hw(img_size) != crop:
        raise ValueError(f'model.backbone.img_size {size_hw(img_size)} must equal the train crop '
                         f'size {crop} of train_dataloader.dataset.pipeline')
