"""Checkpoint writes through ``AtomicLocalBackend`` are all-or-nothing."""
import errno
import os

import pytest
from mmengine.fileio import get_file_backend

from mfm_mm.engine.runner import AtomicLocalBackend


def backend() -> AtomicLocalBackend:
    found = get_file_backend(backend_args=dict(backend='atomic_local'))
    assert type(found) is AtomicLocalBackend
    return found


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / 'epoch_1.pth'
    backend().put(b'complete checkpoint', str(target))
    assert target.read_bytes() == b'complete checkpoint'

    def killed_mid_write(fd):
        raise KeyboardInterrupt('killed')  # stands in for a kill between write and rename

    monkeypatch.setattr(os, 'fsync', killed_mid_write)
    with pytest.raises(KeyboardInterrupt):
        backend().put(b'new but never finished', str(target))
    monkeypatch.undo()
    assert target.read_bytes() == b'complete checkpoint'
    assert sorted(os.listdir(tmp_path)) == ['epoch_1.pth']
    backend().put_text('epoch_1.pth', str(tmp_path / 'last_checkpoint'))
    assert (tmp_path / 'last_checkpoint').read_text() == 'epoch_1.pth'


def test_disk_full_names_the_file_and_free_space(tmp_path, monkeypatch):
    target = tmp_path / 'epoch_2.pth'
    backend().put(b'old', str(target))

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, 'fsync', no_space)
    with pytest.raises(OSError) as err:
        backend().put(b'new' * 1000, str(target))
    assert err.value.errno == errno.ENOSPC
    assert f'could not write {target} (No space left on device);' in str(err.value)
    assert f'MiB free in {tmp_path}' in str(err.value)
    monkeypatch.undo()
    assert target.read_bytes() == b'old' and sorted(os.listdir(tmp_path)) == ['epoch_2.pth']


def test_plain_local_backend_is_untouched():
    from mmengine.fileio.backends import LocalBackend
    assert LocalBackend.put is not AtomicLocalBackend.put
    assert type(get_file_backend('work_dirs/x.pth')) is LocalBackend


def test_removal_waits_for_the_next_complete_write(tmp_path, monkeypatch):
    """mmengine drops the oldest checkpoint before writing the next: a kill in between
    must still leave one complete checkpoint."""
    old, new = tmp_path / 'epoch_2.pth', tmp_path / 'epoch_3.pth'
    backend().put(b'epoch 2', str(old))
    backend().remove(str(old))  # CheckpointHook with max_keep_ckpts=1, before saving epoch 3
    assert old.read_bytes() == b'epoch 2'

    def killed(fd):
        raise KeyboardInterrupt('killed')

    monkeypatch.setattr(os, 'fsync', killed)
    with pytest.raises(KeyboardInterrupt):
        backend().put(b'epoch 3', str(new))
    assert sorted(os.listdir(tmp_path)) == ['epoch_2.pth']
    monkeypatch.undo()
    backend().put(b'epoch 3', str(new))  # another instance, as mmengine's save uses
    assert sorted(os.listdir(tmp_path)) == ['epoch_3.pth']
    with pytest.raises(FileNotFoundError, match='cannot remove .*epoch_9.pth: no such file'):
        backend().remove(str(tmp_path / 'epoch_9.pth'))
