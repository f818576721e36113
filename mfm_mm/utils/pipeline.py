"""Finds the steps of a data pipeline (or any list of typed configs) by type, so that overrides
survive added steps."""
from typing import Any, Dict, Optional, Sequence, Tuple

CROPS = ('LoadRandomResizedCrop', 'RandomResizedCrop', 'RandomResizedCropWithBox', 'RandomCrop',
         'CenterCrop')
SIZE_OPTIONS = ('scale', 'crop_size', 'size')


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


def merge_by_type(cfg, options: Dict[str, Any]) -> None:
    """``cfg.merge_from_dict(options)`` where a key may name a list item by its type.

    ``custom_hooks.FAMTRefreshHook.interval`` or
    ``train_dataloader.dataset.pipeline.RandomResizedCrop.scale`` (what ``--cfg-options``
    takes in this project's tools) select the one item of that type, wherever it stands.

    Args:
        cfg: The config, changed in place.
        options: Dotted keys and their values.

    Raises:
        ValueError: A key names a type that the list holds not exactly once.
    """
    resolved = {}
    for key, value in options.items():
        node, parts = cfg, []
        for part in key.split('.'):
            if isinstance(node, (list, tuple)) and not part.isdigit():
                part = str(transform_index(node, part))
            parts.append(part)
            node = _child(node, part)
        resolved['.'.join(parts)] = value
    cfg.merge_from_dict(resolved)


def _child(node: Any, part: str) -> Any:
    """``node[part]`` of a config, or None past its end (a key the merge adds)."""
    if isinstance(node, (list, tuple)):
        return node[int(part)] if int(part) < len(node) else None
    return node.get(part) if hasattr(node, 'get') else None  # a dict or a Config


def size_hw(value) -> Tuple[int, int]:
    """``(H, W)`` of a size option given as an int or as ``(W, H)`` (mmcv's order)."""
    return (value, value) if isinstance(value, int) else tuple(value)[::-1]  # (H, W)


def innermost_dataset(loader: dict) -> dict:
    """The dataset config inside any dataset wrappers of a dataloader config.

    Args:
        loader: A dataloader config.

    Returns:
        The innermost ``dataset`` config (the one with the pipeline).
    """
    dataset = loader.get('dataset', {})
    while isinstance(dataset.get('dataset'), dict):  # dataset wrappers
        dataset = dataset['dataset']
    return dataset


def crop_size(pipeline) -> Optional[Tuple[int, int]]:
    """``(H, W)`` of the first crop step of a pipeline config, or None without a crop.

    Args:
        pipeline: A list of transform configs.

    Returns:
        The crop's output size.
    """
    for transform in pipeline:
        if transform.get('type') in CROPS:
            size = next((transform[key] for key in SIZE_OPTIONS if key in transform), None)
            return None if size is None else size_hw(size)
    return None
