"""Builds a corruption from its config, refusing anything that is not a corruption."""
from typing import List

from mmpretrain.registry import MODELS

from .base_corruption import BaseCorruption


def registered_corruptions() -> List[str]:
    """Names of the corruptions in ``MODELS``, sorted."""
    return sorted(name for name, cls in MODELS.module_dict.items()
                  if isinstance(cls, type) and issubclass(cls, BaseCorruption))


def build_corruption(cfg: dict) -> BaseCorruption:
    """Builds a corruption, with an error listing the allowed names for an unknown one.

    Args:
        cfg: Config with ``type``, e.g. ``dict(type='GaussianBlurCorruption', sigma=5)``.

    Returns:
        The corruption module.
    """
    allowed = registered_corruptions()
    if not isinstance(cfg, dict) or cfg.get('type') not in allowed:
        name = cfg.get('type') if isinstance(cfg, dict) else cfg
        raise ValueError(f'corruption: unknown type {name!r}; allowed: {", ".join(allowed)}')
    return MODELS.build(cfg)
