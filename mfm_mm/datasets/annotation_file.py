"""Checks of an image-list annotation file (``<image path> <label>`` per line)."""
import os.path as osp
from typing import List, Union

from mmengine.fileio import list_from_file

from .file_kind import MISSING, file_problem

SHOWN = 5  # offending lines named


def _first(items: List[str]) -> str:
    return '; '.join(items[:SHOWN]) + ('; ...' if len(items) > SHOWN else '')


def check_annotation_file(ann_file: str, img_prefix: str, with_label: bool = True,
                          check_images: Union[bool, int] = True) -> None:
    """Raises on malformed lines and, optionally, on listed images that do not exist.

    Args:
        ann_file: The annotation file.
        img_prefix: The folder the listed paths are relative to.
        with_label: Whether every line ends with an integer label.
        check_images: ``True``: check that every listed image exists and is a regular file
            (one ``stat`` each); ``False``: do not; an int: check when the file lists at most
            that many images. Only local folders are checked.

    Raises:
        ValueError: Malformed lines, the message naming the file and the first line numbers;
            listed paths that are not regular files (a FIFO, a directory, ...), the first
            ones named with what they are.
        FileNotFoundError: Listed images that do not exist, the first ones named.
    """
    lines = list_from_file(ann_file)
    bad, paths = [], []
    for number, line in enumerate(lines, 1):
        parts = line.strip().rsplit(' ', 1)
        if with_label and (len(parts) != 2 or not parts[1].lstrip('-').isdigit()):
            bad.append(f'line {number}: {line!r}')
        elif not line.strip():
            bad.append(f'line {number}: empty')
        else:
            paths.append((number, parts[0] if with_label else line.strip()))
    if bad:
        expected = '"<image path> <integer label>"' if with_label else '"<image path>"'
        raise ValueError(f'{ann_file}: {len(bad)} malformed line(s), expected {expected}: '
                         f'{_first(bad)}')
    if check_images is False or '://' in img_prefix or (
            check_images is not True and len(paths) > check_images):
        return
    problems = [(number, path, file_problem(osp.join(img_prefix, path)))
                for number, path in paths]
    special = [f'line {number}: {path} ({problem})' for number, path, problem in problems
               if problem not in (None, MISSING)]
    if special:
        raise ValueError(f'{ann_file}: {len(special)} of {len(paths)} listed images under '
                         f'{img_prefix} are not regular files and cannot be read as images: '
                         f'{_first(special)}')
    missing = [f'line {number}: {path}' for number, path, problem in problems
               if problem == MISSING]
    if missing:
        raise FileNotFoundError(
            f'{ann_file}: {len(missing)} of {len(paths)} listed images do not exist under '
            f'{img_prefix}: {_first(missing)}. Fix the list or data_root '
            '(check_images=False skips this check)')
