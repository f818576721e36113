"""A full disk under the text log raises one ``DiskWriteError`` naming the log file."""
import contextlib
import logging
import os.path as osp
import uuid

import pytest
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.model import BaseModule

from mfm_mm.engine.runner import DiskWriteError, startup_bytes
from mfm_mm.engine.runner.safe_write import raise_on_log_write_errors

pytestmark = pytest.mark.skipif(not osp.exists('/dev/full'), reason='needs /dev/full')


@pytest.fixture
def full_disk_logger(tmp_path):
    """An MMLogger whose file handler writes to ``/dev/full`` (every write: ENOSPC)."""
    logger = MMLogger.get_instance(f'full-{uuid.uuid4().hex}', log_file=str(tmp_path / 'x.log'))
    handler, = [h for h in logger.handlers if isinstance(h, logging.FileHandler)]
    handler.baseFilename = '/dev/full'
    raise_on_log_write_errors(logger)
    yield logger
    for handler in logger.handlers:
        with contextlib.suppress(OSError):  # its buffer cannot be flushed either
            handler.close()


def test_a_log_record_raises_naming_the_file(full_disk_logger):
    with pytest.raises(DiskWriteError, match=r'could not write /dev/full \(No space left'):
        full_disk_logger.info('one record')


def test_mmengine_direct_writes_to_the_stream_raise_naming_the_file(full_disk_logger):
    """``BaseModule.init_weights`` writes the init of every parameter to the stream itself."""
    module = BaseModule()
    module.fc = nn.Linear(2, 2)
    with pytest.raises(DiskWriteError, match=r'could not write /dev/full \(No space left'):
        module.init_weights()


def test_startup_room_is_the_config_twice_and_the_environment():
    assert startup_bytes('é' * 100) == 2 * 200 + 16384
