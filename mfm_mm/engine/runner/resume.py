"""Choosing a checkpoint to resume from that is complete."""
import glob
import os.path as osp
import zipfile
from typing import List, Optional, Tuple


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` archive (every member's CRC checks out).

    Args:
        path: A file.

    Returns:
        False for missing, truncated or non-zip files.
    """
    if not osp.isfile(path) or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def checkpoints_in(work_dir: str) -> List[str]:
    """The ``epoch_*.pth``, ``iter_*.pth`` and ``latest.pth`` files of ``work_dir``, newest
    written first."""
    found = [path for pattern in ('epoch_*.pth', 'iter_*.pth', 'latest.pth')
             for path in glob.glob(osp.join(work_dir, pattern))]
    return sorted(found, key=osp.getmtime, reverse=True)


def read_last_checkpoint(work_dir: str) -> Tuple[Optional[str], Optional[str]]:
    """The file named by ``work_dir/last_checkpoint``, whatever that file holds.

    Args:
        work_dir: The run's work directory.

    Returns:
        ``(path or None, problem or None)``: the named file, or a phrase saying why the
        pointer names none (empty, not text, more than a path).
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None, None
    with open(pointer, 'rb') as f:
        data = f.read(4097)
    try:
        named = data.decode('utf-8').strip()
    except UnicodeDecodeError:
        return None, f'{pointer} is not text'
    if not named:  # killed while writing the pointer
        return None, None
    if len(data) > 4096 or '\n' in named or '\x00' in named:
        return None, f'{pointer} holds no single path'
    return named, None


def find_resumable_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """The checkpoint named by ``work_dir/last_checkpoint``, else the newest complete one.

    Candidates are ``epoch_*.pth``, ``iter_*.pth`` and ``latest.pth``
    (:class:`~mfm_mm.engine.hooks.LatestCheckpointHook`), newest written first.

    Args:
        work_dir: The run's work directory.

    Returns:
        ``(path or None, notes)``: the checkpoint to resume and one line per file passed
        over (an incomplete checkpoint, a ``last_checkpoint`` that names none), in order.
    """
    named, problem = read_last_checkpoint(work_dir)
    notes = [f'{problem}; resuming the newest complete checkpoint'] if problem else []
    candidates = ([named] if named else []) + checkpoints_in(work_dir)
    for path in dict.fromkeys(candidates):
        if is_complete_checkpoint(path):
            return path, notes
        notes.append(f'skipped incomplete checkpoint {path}')
    return None, notes
