import os

import pytest
import torch

from mfm_mm.engine.runner import find_resumable_checkpoint, is_complete_checkpoint


def write_checkpoints(work_dir, epochs):
    for epoch in epochs:
        path = work_dir / f'epoch_{epoch}.pth'
        torch.save({'meta': {'epoch': epoch}, 'state_dict': {'w': torch.ones(64, 64)}}, path)
        os.utime(path, (1e9 + epoch, 1e9 + epoch))  # written in epoch order


def test_complete_and_truncated(tmp_path):
    write_checkpoints(tmp_path, [1])
    path = tmp_path / 'epoch_1.pth'
    assert is_complete_checkpoint(str(path))
    data = path.read_bytes()
    (tmp_path / 'cut.pth').write_bytes(data[:len(data) // 2])
    assert not is_complete_checkpoint(str(tmp_path / 'cut.pth'))
    corrupted = bytearray(data)
    corrupted[len(data) // 2] ^= 0xFF  # one flipped byte inside a tensor
    (tmp_path / 'flip.pth').write_bytes(bytes(corrupted))
    assert not is_complete_checkpoint(str(tmp_path / 'flip.pth'))
    assert not is_complete_checkpoint(str(tmp_path / 'missing.pth'))


def test_prefers_last_checkpoint_then_newest_complete(tmp_path):
    write_checkpoints(tmp_path, [1, 2, 3])
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert find_resumable_checkpoint(str(tmp_path)) == (str(tmp_path / 'epoch_2.pth'), [])
    data = (tmp_path / 'epoch_2.pth').read_bytes()
    (tmp_path / 'epoch_2.pth').write_bytes(data[:100])
    path, skipped = find_resumable_checkpoint(str(tmp_path))
    assert path == str(tmp_path / 'epoch_3.pth')
    assert skipped == [f"skipped incomplete checkpoint {tmp_path / 'epoch_2.pth'}"]
    (tmp_path / 'last_checkpoint').write_text('')  # killed while writing the pointer
    assert find_resumable_checkpoint(str(tmp_path))[0] == str(tmp_path / 'epoch_3.pth')


def test_nothing_to_resume(tmp_path):
    assert find_resumable_checkpoint(str(tmp_path)) == (None, [])


@pytest.mark.parametrize('content, problem', [
    (bytes(range(256)) * 4, 'is not text'),
    (b'\xff\xfe\x00garbage', 'is not text'),
    (b'epoch_1.pth\nepoch_2.pth', 'holds no single path'),
    (b'x' * 5000, 'holds no single path'),
    (b'/nowhere/epoch_9.pth', None),
], ids=['random bytes', 'binary', 'two lines', 'too long', 'missing file'])
def test_last_checkpoint_of_any_content_falls_back_to_the_newest(tmp_path, content, problem):
    write_checkpoints(tmp_path, [1, 2])
    (tmp_path / 'last_checkpoint').write_bytes(content)
    path, notes = find_resumable_checkpoint(str(tmp_path))
    assert path == str(tmp_path / 'epoch_2.pth')
    pointer = tmp_path / 'last_checkpoint'
    expected = ([f'{pointer} {problem}; resuming the newest complete checkpoint']
                if problem else ['skipped incomplete checkpoint /nowhere/epoch_9.pth'])
    assert notes == expected
