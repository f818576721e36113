"""Logs, scalars, configs and pictures whose failed writes stop the run with one clear line.

Python's logging prints a traceback per failed record and goes on (a full disk cuts the text
log mid-line, then a raw ``OSError`` comes from the visualizer); here the first failed write
raises :class:`~mfm_mm.engine.runner.atomic_backend.DiskWriteError` naming the file and the
free space. The checkpoints on disk stay as they were (they are written atomically).
"""
import logging
import os
import os.path as osp
import sys
import uuid

import cv2
import numpy as np
from mmengine.registry import VISBACKENDS
from mmengine.visualization import LocalVisBackend

from .atomic_backend import DiskWriteError

PROBE_BYTES = 4096  # one page: a disk that takes none is full before the run starts


class RaisingFileHandler(logging.FileHandler):
    """``logging.FileHandler`` whose failed write raises :class:`DiskWriteError`."""

    def handleError(self, record: logging.LogRecord) -> None:
        """Raises for a failed write; other errors are logging's (a traceback)."""
        err = sys.exc_info()[1]
        if isinstance(err, OSError):
            raise DiskWriteError(self.baseFilename, err) from None
        super().handleError(record)


def raise_on_log_write_errors(logger: logging.Logger) -> None:
    """Puts a :class:`RaisingFileHandler` in place of each plain ``FileHandler`` of ``logger``.

    Args:
        logger: The run's logger (``runner.logger``).
    """
    for old in [h for h in logger.handlers if type(h) is logging.FileHandler]:
        new = RaisingFileHandler(old.baseFilename, 'a', encoding=old.encoding, delay=True)
        new.setFormatter(old.formatter)
        new.setLevel(old.level)
        for log_filter in old.filters:
            new.addFilter(log_filter)
        logger.removeHandler(old)
        old.close()
        logger.addHandler(new)


def check_writable(folder: str) -> None:
    """Writes and removes a small file in ``folder``, so that a full disk fails before the run.

    Args:
        folder: The work_dir (created).

    Raises:
        DiskWriteError: ``folder`` cannot take :data:`PROBE_BYTES` (names it and the free space).
    """
    probe = osp.join(folder, f'.write_probe.{uuid.uuid4().hex}')
    try:
        os.makedirs(folder, exist_ok=True)
        with open(probe, 'wb') as f:
            f.write(bytes(PROBE_BYTES))
            f.flush()
            os.fsync(f.fileno())
    except OSError as err:
        raise DiskWriteError(probe, err) from None
    finally:
        if osp.exists(probe):
            os.remove(probe)


@VISBACKENDS.register_module()
class CheckedLocalVisBackend(LocalVisBackend):
    """``LocalVisBackend`` whose failed writes raise :class:`DiskWriteError` (mmengine's raises
    a bare ``OSError`` for scalars and config, and ignores a failed picture write)."""

    def add_config(self, config, **kwargs) -> None:
        """Writes the config, or raises naming the file."""
        try:
            super().add_config(config, **kwargs)
        except OSError as err:
            raise DiskWriteError(self._config_save_file, err) from None

    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        """Writes ``<vis_data>/vis_image/<name>_<step>.png`` (RGB ``image``), or raises."""
        path = osp.join(self.experiment._img_save_dir, f'{name}_{step}.png')
        encoded = cv2.imencode('.png', cv2.cvtColor(image, cv2.COLOR_RGB2BGR))[1]
        try:
            os.makedirs(osp.dirname(path), exist_ok=True)
            with open(path, 'wb') as f:
                f.write(encoded.tobytes())
        except OSError as err:
            raise DiskWriteError(path, err) from None

    def _dump(self, value_dict: dict, file_path: str, file_format: str) -> None:
        try:
            super()._dump(value_dict, file_path, file_format)
        except OSError as err:
            raise DiskWriteError(file_path, err) from None

