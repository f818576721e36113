"""The run's writes: checkpoints all-or-nothing, and a failed write one line naming the file.

Python's logging prints a traceback per failed record and goes on (a full disk cuts the text log
mid-line), mmengine's ``LocalVisBackend`` raises a bare ``OSError`` or ignores a failed picture;
here the first failed write raises :class:`DiskWriteError`."""
import contextlib
import logging
import os
import os.path as osp
import re
import shutil
import sys
import uuid
from pathlib import Path
from typing import ClassVar, Dict, Iterator, List, TextIO, Union

import cv2
import numpy as np
from mmengine.fileio.backends import LocalBackend, register_backend
from mmengine.registry import VISBACKENDS
from mmengine.utils import mkdir_or_exist
from mmengine.visualization import LocalVisBackend

PARTIAL = re.compile(r'^.+\.(?P<pid>\d+)\.(?:partial|tmp)$')
# the Runner's start-up log lines besides the config (environment, torch's build details)
ENVIRONMENT_BYTES = 16384


class DiskWriteError(OSError):
    """A file of the run could not be written; the message names it and the free space."""

    def __init__(self, path: str, err: OSError, note: str = '') -> None:
        folder = osp.dirname(osp.abspath(path))
        while not osp.isdir(folder):
            folder = osp.dirname(folder)
        super().__init__(err.errno, f'could not write {path} ({err.strerror or err}); '
                         f'{shutil.disk_usage(folder).free / 2**20:.0f} MiB free in {folder}{note}')


@contextlib.contextmanager
def _naming(path: str) -> Iterator[None]:
    """Raises an ``OSError`` of the block as a :class:`DiskWriteError` naming ``path``."""
    try:
        yield
    except OSError as err:
        raise DiskWriteError(path, err) from None


def _write_synced(path: str, data: bytes) -> None:
    """Writes ``data`` to ``path`` (its folder created) and syncs it to the disk."""
    mkdir_or_exist(osp.dirname(osp.abspath(path)))
    with open(path, 'wb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def startup_bytes(config_text: str) -> int:
    """An upper bound of the bytes mmengine's ``Runner`` writes while it is built, before its text
    log can be made to raise: the config's ``pretty_text`` twice (text log,
    ``vis_data/config.py``) and the environment."""
    return 2 * len(config_text.encode()) + ENVIRONMENT_BYTES


def check_writable(folder: str, nbytes: int) -> None:
    """Writes and removes a file of ``nbytes`` in ``folder`` (the work_dir), so that a disk
    without room for the Runner's start (:func:`startup_bytes`) fails before the run, with a
    :class:`DiskWriteError` naming the folder and the free space."""
    probe = osp.join(folder, f'.write_probe.{uuid.uuid4().hex}')
    try:
        with _naming(probe):
            _write_synced(probe, bytes(nbytes))
    finally:
        if osp.exists(probe):
            os.remove(probe)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        pass
    return True


def remove_stale_partials(folder: str) -> List[str]:
    """Removes, and returns, the ``<file>.<pid>.partial`` / ``.tmp`` files in ``folder`` of dead
    processes (atomic writes killed with SIGKILL mid-write leave them); a live writer's are kept."""
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

    A process killed mid-write leaves the previous file intact; a failed write removes its partial
    file and raises :class:`DiskWriteError`. A removal (mmengine's ``CheckpointHook`` drops the
    oldest checkpoint *before* writing the next) waits for the next complete write into the same
    folder, so the work_dir always holds a complete checkpoint. Selected by
    ``backend_args=dict(backend='atomic_local')``."""

    # folder -> files to remove after its next complete write; shared by every instance
    # (mmengine creates one backend for removals and a new one for each save)
    _pending: ClassVar[Dict[str, List[str]]] = {}

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Writes ``obj`` to ``filepath`` atomically; on failure the previous file is unchanged."""
        filepath = str(filepath)
        partial = f'{filepath}.{os.getpid()}.partial'
        try:
            _write_synced(partial, obj)
            os.replace(partial, filepath)
        except BaseException as err:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            if isinstance(err, OSError):
                raise DiskWriteError(filepath, err, '; the previous file of that name, if any, '
                                     'is unchanged') from err
            raise
        for path in self._pending.pop(osp.dirname(osp.abspath(filepath)), []):
            if path != osp.abspath(filepath):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)

    def remove(self, filepath: Union[str, Path]) -> None:
        """Removes ``filepath`` after the next complete write into its folder."""
        filepath = osp.abspath(str(filepath))
        if not osp.isfile(filepath):
            raise FileNotFoundError(f'cannot remove {filepath}: no such file')
        self._pending.setdefault(osp.dirname(filepath), []).append(filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Writes ``obj`` encoded with ``encoding`` atomically (see :meth:`put`)."""
        self.put(obj.encode(encoding), filepath)


class _NamingStream:
    """A text stream whose failed ``write`` / ``flush`` raises :class:`DiskWriteError`."""

    def __init__(self, stream: TextIO, path: str) -> None:
        self._stream, self._path = stream, path

    def write(self, text: str) -> int:
        with _naming(self._path):
            return self._stream.write(text)

    def flush(self) -> None:
        with _naming(self._path):
            self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class RaisingFileHandler(logging.FileHandler):
    """``logging.FileHandler`` whose failed write raises :class:`DiskWriteError`, also where
    mmengine writes to its stream directly (``BaseModule._dump_init_info``)."""

    def _open(self) -> _NamingStream:
        with _naming(self.baseFilename):
            return _NamingStream(super()._open(), self.baseFilename)

    def handleError(self, record: logging.LogRecord) -> None:
        """Raises for a failed write; other errors are logging's (a traceback)."""
        err = sys.exc_info()[1]
        if isinstance(err, DiskWriteError):
            raise err
        if isinstance(err, OSError):
            raise DiskWriteError(self.baseFilename, err) from None
        super().handleError(record)


def raise_on_log_write_errors(logger: logging.Logger) -> None:
    """Puts a :class:`RaisingFileHandler` in place of each plain ``FileHandler`` of ``logger``."""
    for old in [h for h in logger.handlers if type(h) is logging.FileHandler]:
        new = RaisingFileHandler(old.baseFilename, 'a', encoding=old.encoding)
        new.setFormatter(old.formatter)
        new.setLevel(old.level)
        new.filters = old.filters
        logger.removeHandler(old)
        old.close()
        logger.addHandler(new)


@VISBACKENDS.register_module()
class CheckedLocalVisBackend(LocalVisBackend):
    """``LocalVisBackend`` whose failed writes (config, scalars, pictures) raise naming the file."""

    def add_config(self, config, **kwargs) -> None:
        try:
            super().add_config(config, **kwargs)
        except OSError as err:  # the call sets the full path (mmengine's _init_env)
            raise DiskWriteError(self._config_save_file, err) from None

    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        """Writes ``<vis_data>/vis_image/<name>_<step>.png`` (RGB ``image``)."""
        path = osp.join(self.experiment._img_save_dir, f'{name}_{step}.png')
        encoded = cv2.imencode('.png', cv2.cvtColor(image, cv2.COLOR_RGB2BGR))[1]
        with _naming(path):
            _write_synced(path, encoded.tobytes())

    def _dump(self, value_dict: dict, file_path: str, file_format: str) -> None:
        with _naming(file_path):
            super()._dump(value_dict, file_path, file_format)
