"""All-or-nothing file writes, and write errors that name the file and the free space."""
import contextlib
import os
import os.path as osp
import re
import shutil
from pathlib import Path
from typing import ClassVar, Dict, List, Union

from mmengine.fileio.backends import LocalBackend, register_backend

PARTIAL = re.compile(r'^(?P<target>.+)\.(?P<pid>\d+)\.(?:partial|tmp)$')


class DiskWriteError(OSError):
    """A file of the run could not be written; the message names it and the free space."""

    def __init__(self, path: str, err: OSError, note: str = '') -> None:
        folder = osp.dirname(osp.abspath(path))
        while not osp.isdir(folder):
            folder = osp.dirname(folder)
        free_mib = shutil.disk_usage(folder).free / 2**20
        super().__init__(err.errno, f'could not write {path} ({err.strerror or err}); '
                         f'{free_mib:.0f} MiB free in {folder}{note}')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_partials(folder: str) -> List[str]:
    """Removes the ``<file>.<pid>.partial`` / ``.tmp`` files of dead processes in ``folder``.

    Atomic writes leave them when killed with SIGKILL mid-write; a live writer's are kept.

    Args:
        folder: The folder (a run's work_dir, a converter's output folder).

    Returns:
        The removed paths.
    """
    removed = []
    for name in sorted(os.listdir(folder)) if osp.isdir(folder) else []:
        match = PARTIAL.match(name)
        if match and not _alive(int(match['pid'])):
            with contextlib.suppress(FileNotFoundError):
                os.remove(osp.join(folder, name))
                removed.append(osp.join(folder, name))
    return removed


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` that writes to ``<file>.<pid>.partial`` and renames it into place.

    A process killed mid-write leaves the previous file intact; a failed write removes its
    partial file and raises :class:`DiskWriteError`. A removal (mmengine's ``CheckpointHook``
    drops the oldest checkpoint *before* writing the next) waits until the next write into
    the same folder is complete, so the work_dir always holds a complete checkpoint.
    Selected by ``backend_args=dict(backend='atomic_local')``.
    """

    # folder -> files to remove after its next complete write; shared by every instance
    # (mmengine creates one backend for removals and a new one for each save)
    _pending: ClassVar[Dict[str, List[str]]] = {}

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Writes ``obj`` to ``filepath`` (its folder is created) atomically.

        Raises:
            DiskWriteError: The write failed; the previous file of that name is unchanged.
        """
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        partial = f'{filepath}.{os.getpid()}.partial'
        try:
            os.makedirs(folder, exist_ok=True)
            with open(partial, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, filepath)
        except BaseException as err:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            if isinstance(err, OSError) and not isinstance(err, DiskWriteError):
                raise DiskWriteError(filepath, err, '; the previous file of that name, if any, '
                                     'is unchanged') from err
            raise
        for path in self._pending.pop(folder, []):
            if path != osp.abspath(filepath):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)

    def remove(self, filepath: Union[str, Path]) -> None:
        """Removes ``filepath`` after the next complete write into its folder.

        Raises:
            FileNotFoundError: No such file.
        """
        filepath = osp.abspath(str(filepath))
        if not osp.isfile(filepath):
            raise FileNotFoundError(f'cannot remove {filepath}: no such file')
        self._pending.setdefault(osp.dirname(filepath), []).append(filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Writes ``obj`` encoded with ``encoding`` atomically (see :meth:`put`)."""
        self.put(obj.encode(encoding), filepath)
