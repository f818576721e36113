"""``python full_disk.py SCRIPT ARGS...``: runs SCRIPT with a disk that fills up.

Where a real small file system cannot be mounted: writes to ``*.partial`` files (the
``atomic_local`` backend's temporary names) whose name contains ``$FULL_DISK_MATCH`` write
their first half, then fail with ``ENOSPC`` as a full disk does.
"""
import builtins
import errno
import os
import runpy
import sys

_open = builtins.open


class _FillingFile:
    def __init__(self, file) -> None:
        self._file = file

    def write(self, data) -> int:
        self._file.write(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()


def _open_on_a_filling_disk(file, mode='r', *args, **kwargs):
    handle = _open(file, mode, *args, **kwargs)
    name = str(file)
    if 'w' in mode and name.endswith('.partial') and os.environ['FULL_DISK_MATCH'] in name:
        return _FillingFile(handle)
    return handle


builtins.open = _open_on_a_filling_disk
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
