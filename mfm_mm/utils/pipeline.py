"""Finds the steps of a data pipeline by type, so that overrides survive added steps."""
from typing import Any, Sequence


def _type_name(step: Any) -> str:
    """Type name of a config dict (``step['type']``) or of a built transform."""
    if isinstance(step, dict):
        kind = step.get('type')
        return kind if isinstance(kind, str) else getattr(kind, '__name__', str(kind))
    return type(step).__name__


def transform_index(pipeline: Sequence[Any], type_name: str) -> int:
    """Position of the one step of ``pipeline`` whose type is ``type_name``.

    Args:
        pipeline: Config dicts (``dict(type=...)``) or built transforms (e.g.
            ``Compose.transforms``).
        type_name: Registered name of the transform, e.g. ``'FrequencyMaskGenerator'``.

    Returns:
        The index of that step.

    Raises:
        ValueError: No step or more than one step has that type; the message lists the types.
    """
    found = [i for i, step in enumerate(pipeline) if _type_name(step) == type_name]
    if len(found) != 1:
        types = ', '.join(_type_name(step) for step in pipeline)
        raise ValueError(f'the pipeline has {len(found)} steps of type {type_name!r}, expected '
                         f'exactly one (steps: {types})')
    return found[0]


def find_transform(pipeline: Sequence[Any], type_name: str) -> Any:
    """The one step of ``pipeline`` whose type is ``type_name`` (see :func:`transform_index`).

    Edit the returned config dict in place to override an option, e.g.
    ``find_transform(cfg.train_pipeline, 'RandomResizedCrop')['scale'] = 128``.

    Args:
        pipeline: Config dicts or built transforms.
        type_name: Registered name of the transform.

    Returns:
        The step itself (not a copy).
    """
    return pipeline[transform_index(pipeline, type_name)]
