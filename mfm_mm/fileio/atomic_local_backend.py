"""A local file backend whose writes are all-or-nothing."""
import contextlib
import os
import os.path as osp
import re
import shutil
from pathlib import Path
from typing import ClassVar, Dict, List, Union

from mmengine.fileio.backends import LocalBackend, register_backend


PARTIAL = re.compile(r'^(?P<target>.+)\.(?P<pid>\d+)\.(?:partial|tmp)$')


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

    Atomic writes (:class:`AtomicLocalBackend`, the converters' ``save_weights``) leave them
    when killed with SIGKILL mid-write; a live writer's files are kept.

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
    """``LocalBackend`` that writes to a temporary name in the same folder and renames it.

    A process killed mid-write leaves the previous file intact, and a failed write (disk full,
    quota, permissions) removes its partial file and says which file and how much space was
    left. Removing a file (mmengine's ``CheckpointHook`` drops the oldest checkpoint *before*
    writing the next one) is deferred until the next write into the same folder is complete,
    so a kill during a save never leaves the work_dir without a complete checkpoint.
    Selected by ``backend_args=dict(backend='atomic_local')``, e.g. on the ``CheckpointHook``
    of the project's runtime base.
    """

    # folder -> files to remove once a write there completes; shared by every instance
    # (mmengine creates one backend for removals and a new one for each save)
    _pending: ClassVar[Dict[str, List[str]]] = {}

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Writes ``obj`` to ``filepath`` atomically.

        Args:
            obj: The bytes.
            filepath: Target file; its folder is created.

        Raises:
            OSError: The write failed; the message names the file and the free space.
        """
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        partial = f'{filepath}.{os.getpid()}.partial'
        try:
            with open(partial, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, filepath)
        except BaseException as err:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            if isinstance(err, OSError):
                free_mib = shutil.disk_usage(folder).free / 2**20
                raise OSError(err.errno, f'could not write {filepath} ({err.strerror}); '
                              f'{free_mib:.0f} MiB free in {folder}; the previous file of '
                              'that name, if any, is unchanged') from err
            raise
        for path in self._pending.pop(folder, []):
            if path != osp.abspath(filepath):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)

    def remove(self, filepath: Union[str, Path]) -> None:
        """Removes ``filepath`` after the next complete write into its folder.

        Args:
            filepath: The file to remove.

        Raises:
            FileNotFoundError: No such file.
        """
        filepath = osp.abspath(str(filepath))
        if not osp.isfile(filepath):
            raise FileNotFoundError(f'cannot remove {filepath}: no such file')
        self._pending.setdefault(osp.dirname(filepath), []).append(filepath)

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Writes ``obj`` encoded with ``encoding`` atomically (see :meth:`put`)."""
        self.put(obj.encode(encoding), filepath)
