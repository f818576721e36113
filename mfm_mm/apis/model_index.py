"""The project's model names, read from ``model-index.yml`` (the file openmim reads)."""
import fnmatch
import os.path as osp
from typing import Dict, List, Optional

from modelindex.load_model_index import load
from modelindex.models.Model import Model

_PACKAGE = osp.dirname(osp.dirname(osp.abspath(__file__)))
# a regular install copies the index into mfm_mm/.mim/; a source checkout has it at the root
_ROOTS = (osp.join(_PACKAGE, '.mim'), osp.dirname(_PACKAGE))
_MODELS: Dict[str, Model] = {}


def index_root() -> str:
    """The folder holding ``model-index.yml`` and the ``configs/`` it names.

    Returns:
        ``mfm_mm/.mim`` of a regular install, else the source checkout's root.

    Raises:
        FileNotFoundError: Neither has a ``model-index.yml``.
    """
    for root in _ROOTS:
        if osp.isfile(osp.join(root, 'model-index.yml')):
            return root
    raise FileNotFoundError(f'no model-index.yml in {" or ".join(_ROOTS)}')


def _models() -> Dict[str, Model]:
    """Every model of the index by its lower-case name, loaded once."""
    if not _MODELS:
        root = index_root()
        index = load(osp.join(root, 'model-index.yml'))
        index.build_models_with_collections()
        for model in index.models:
            model.config = osp.realpath(osp.join(root, model.config))  # .mim may link back
            _MODELS[model.name.lower()] = model
    return _MODELS


def list_models(pattern: Optional[str] = None) -> List[str]:
    """Names of the project's models, as in ``mim search mfm_mm``.

    Args:
        pattern: A shell-style wildcard (``'*conmim*'``); as in mmpretrain's ``list_models``,
            any suffix matches. None lists every model.

    Returns:
        The sorted names.
    """
    names = _models()
    return sorted(fnmatch.filter(names, f'{pattern}*') if pattern else names)


def model_info(name: str) -> Model:
    """The index entry of a model (config path, metadata, results).

    Args:
        name: A name from :func:`list_models` (case-insensitive).

    Returns:
        The entry; its ``config`` is an absolute path.

    Raises:
        ValueError: No model has that name.
    """
    try:
        return _models()[name.lower()]
    except KeyError:
        close = list_models(f'*{name.lower()[:8]}*')[:5]
        raise ValueError(f'no mfm_mm model is named {name!r}; mfm_mm.apis.list_models() lists '
                         f'them{" (close: " + ", ".join(close) + ")" if close else ""}') from None
