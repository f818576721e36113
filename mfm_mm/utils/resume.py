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


def find_resumable_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """The checkpoint named by ``work_dir/last_checkpoint``, else the newest complete one.

    Candidates are ``epoch_*.pth``, ``iter_*.pth`` and ``latest.pth``
    (:class:`~mfm_mm.engine.hooks.LatestCheckpointHook`), newest written first.

    Args:
        work_dir: The run's work directory.

    Returns:
        ``(path or None, skipped)``: the checkpoint to resume and the incomplete files passed
        over, newest first.
    """
    candidates = []
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named:
            candidates.append(named)
    found = [path for pattern in ('epoch_*.pth', 'iter_*.pth', 'latest.pth')
             for path in glob.glob(osp.join(work_dir, pattern))]
    candidates += sorted(found, key=osp.getmtime, reverse=True)
    skipped = []
    for path in dict.fromkeys(candidates):
        if is_complete_checkpoint(path):
            return path, skipped
        skipped.append(path)
    return None, skipped
