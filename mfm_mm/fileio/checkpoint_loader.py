"""Loading checkpoint files safely, with errors that name the file."""
import os
import warnings
from typing import Any

import torch

from . import safe_pickle


def load_checkpoint_file(filename: str, map_location: Any = None) -> Any:
    """``torch.load`` through :mod:`mfm_mm.fileio.safe_pickle` (plain data only).

    Works the same on every torch >= 2.0: weights, mmengine training state (``HistoryBuffer``,
    numpy metadata) and the config objects of official releases load; code never runs.

    Args:
        filename: Checkpoint path.
        map_location: As in ``torch.load``.

    Returns:
        The loaded object.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file is not a complete checkpoint, or it pickles code.
    """
    filename = os.path.expanduser(str(filename))
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', FutureWarning)  # torch 2.4/2.5 on weights_only=False
            return torch.load(filename, map_location=map_location,
                              pickle_module=safe_pickle, weights_only=False)
    except safe_pickle.RefusedGlobal as err:
        raise ValueError(f'refused to load {filename}: it would run {err.what} while '
                         'unpickling; only weights, training state and the config objects '
                         'of official releases are loaded') from None
    except MemoryError:
        raise
    except OSError as err:
        raise ValueError(f'cannot read {filename}: {err.strerror or err}') from None
    except Exception as err:  # any parse failure: truncated zip, text, foreign pickle
        reason = (str(err).splitlines() or [type(err).__name__])[0]
        raise ValueError(f'{filename} is not a PyTorch checkpoint, or it is truncated '
                         f'({type(err).__name__}: {reason})') from None
