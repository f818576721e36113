"""What stands at a listed image path when it is not a regular file."""
import os
import stat
from typing import Optional

# (test, what it is), in the order they are tried
SPECIAL_KINDS = (
    (stat.S_ISDIR, 'a directory'),
    (stat.S_ISFIFO, 'a FIFO (named pipe)'),
    (stat.S_ISSOCK, 'a socket'),
    (stat.S_ISCHR, 'a character device'),
    (stat.S_ISBLK, 'a block device'),
)
MISSING = 'no such file'


def file_problem(path: str) -> Optional[str]:
    """Says why a local path cannot be opened as an image file, without opening it.

    Opening a FIFO or a device blocks or streams forever, so only regular files (symbolic
    links followed) may be read; one ``stat``, no ``open``.

    Args:
        path: A local path.

    Returns:
        None for a regular file; ``'no such file'`` when nothing is there (or a dangling
        link); otherwise what the path is, e.g. ``'a FIFO (named pipe), not a regular file'``.
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in SPECIAL_KINDS if test(mode)), 'a special file')
    return f'{kind}, not a regular file'
