"""Files that are not checkpoints get one line naming the file."""
import pytest
import torch

from mfm_mm.engine.runner import load_checkpoint_file


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='checkpoint not found: .*missing.pth'):
        load_checkpoint_file(tmp_path / 'missing.pth')


@pytest.mark.parametrize('content', [b'hello, this is a text file\n', b'', b'\x80\x02}q\x00'])
def test_non_checkpoints_are_named(tmp_path, content):
    path = tmp_path / 'notes.pth'
    path.write_bytes(content)
    with pytest.raises(ValueError) as err:
        load_checkpoint_file(path)
    message = str(err.value)
    assert message.startswith(f'{path} is not a PyTorch checkpoint, or it is truncated (')
    assert '\n' not in message and 'weights_only' not in message


def test_truncated_checkpoint_is_named(tmp_path):
    good = tmp_path / 'good.pth'
    torch.save({'state_dict': {'w': torch.zeros(1000)}}, good)
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ValueError, match=f'{cut} is not a PyTorch checkpoint, or it is trunc'):
        load_checkpoint_file(cut)
    assert load_checkpoint_file(good)['state_dict']['w'].shape == (1000, )
