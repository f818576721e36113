import torch

from mfm_mm.utils import find_resumable_checkpoint, is_complete_checkpoint


def write_checkpoints(work_dir, epochs):
    for epoch in epochs:
        torch.save({'meta': {'epoch': epoch}, 'state_dict': {'w': torch.ones(64, 64)}},
                   work_dir / f'epoch_{epoch}.pth')


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
    assert path == str(tmp_path / 'epoch_3.pth') and skipped == [str(tmp_path / 'epoch_2.pth')]
    (tmp_path / 'last_checkpoint').write_text('')  # killed while writing the pointer
    assert find_resumable_checkpoint(str(tmp_path))[0] == str(tmp_path / 'epoch_3.pth')


def test_nothing_to_resume(tmp_path):
    assert find_resumable_checkpoint(str(tmp_path)) == (None, [])
