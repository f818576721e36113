"""Building the project's models by name or config, with their weights."""
from os import PathLike
from typing import Union

import mmpretrain
import torch
from mmengine.config import Config

from .model_index import model_info
from .pretrained import load_pretrained

ModelSpec = Union[str, PathLike, Config]


def get_config(model: ModelSpec) -> Config:
    """The config of a model name of :func:`list_models`, a config file or a config.

    Args:
        model: A name (``'mfm_vit-base-p16_8xb256-amp-coslr-800e_in1k'``), a ``.py`` config
            path or a :class:`mmengine.config.Config`.

    Returns:
        A copy the caller may change.

    Raises:
        ValueError: An unknown name.
    """
    if isinstance(model, Config):
        return model.copy()
    if str(model).endswith('.py'):
        return Config.fromfile(str(model))
    return Config.fromfile(model_info(str(model)).config)


def get_model(model: ModelSpec, pretrained: Union[str, PathLike, bool, None] = None,
              device: Union[str, torch.device, None] = None, **kwargs) -> torch.nn.Module:
    """Builds a model of this project (in eval mode), like ``mmpretrain.get_model``.

    Args:
        model: A name of :func:`mfm_mm.apis.list_models`, a config file or a config.
        pretrained: A checkpoint to load through :func:`load_pretrained`: a training
            checkpoint of this project, a converted file or an official MFM / ConMIM / MAE /
            timm release. None (or False) keeps the config's initialisation; True is refused,
            since the project releases no weights of its own.
        device: Where to put the model; default CPU.
        **kwargs: Overrides of the ``model`` dict of the config (e.g. ``backbone=dict(
            img_size=64)``).

    Returns:
        The model; ``model._config`` is its config and ``model.pretrained_summary`` says what
        was loaded.

    Raises:
        ValueError: An unknown name, ``pretrained=True``, or a file that does not fit (see
            :func:`load_pretrained`).
    """
    if pretrained is True:
        raise ValueError('mfm_mm releases no weights (Weights: null in model-index.yml): pass '
                         'pretrained=PATH, a training checkpoint, a converted file or an '
                         'official release')
    config = get_config(model)
    if config.get('default_scope', 'mmpretrain') != 'mmpretrain':
        raise ValueError(f'{config.filename} is an {config.default_scope} config: build it with '
                         f'{config.default_scope}.apis.init_model')
    built = mmpretrain.get_model(config, pretrained=False, **kwargs)
    built.pretrained_summary = load_pretrained(built, str(pretrained)) if pretrained else None
    if device is not None:
        built.to(device)
    return built.eval()
