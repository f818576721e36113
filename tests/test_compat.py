import os
import pickle

import pytest
import torch

from mfm_mm import compat


def test_only_needed_fixes_are_applied():
    import mmcv
    expected = set()
    if not torch.cuda.is_available():
        expected.add('cpu-set-device')
    if not os.path.exists(os.path.join(os.path.dirname(mmcv.__file__), '_ext.so')) and \
            not any(f.startswith('_ext') for f in os.listdir(os.path.dirname(mmcv.__file__))):
        expected.add('mmcv-lite-ops')
    assert expected <= set(compat.APPLIED)


def test_torchvision_and_mmseg_import():
    import torchvision.transforms  # noqa: F401
    from mmseg.models.decode_heads import UPerHead  # noqa: F401


def test_missing_compiled_op_fails_clearly():
    import mmcv.ops
    if 'mmcv-lite-ops' not in compat.APPLIED:
        pytest.skip('full mmcv installed')
    with pytest.raises(ModuleNotFoundError, match='mmcv.ops.nms_rotated needs the compiled'):
        mmcv.ops.nms_rotated  # noqa: B018


def test_cuda_set_device_is_a_no_op_without_cuda():
    if torch.cuda.is_available():
        pytest.skip('CUDA present')
    assert torch.cuda.set_device(0) is None


def mmengine_like_checkpoint(path) -> None:
    import numpy as np
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()
    buffer.update(np.float64(1.5))
    torch.save({'message_hub': {'log_scalars': {'loss': buffer}},
                'meta': {'seed': np.int64(3), 'arr': np.arange(3.)}}, path)


def test_numpy_metadata_loads_in_safe_mode(tmp_path):
    import numpy as np
    torch.save({'meta': {'seed': np.int64(3), 'arr': np.arange(3.)}}, tmp_path / 'a.pth')
    loaded = torch.load(tmp_path / 'a.pth', weights_only=True)
    assert loaded['meta']['seed'] == 3 and loaded['meta']['arr'].tolist() == [0., 1., 2.]


def test_mmengine_training_state_loads_in_safe_mode(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    mmengine_like_checkpoint(path)  # pickles getattr(HistoryBuffer, 'min') etc.
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['loss']
    assert buffer.current() == 1.5 and buffer.mean() == 1.5


class SneakyGetattr:
    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return (getattr, (HistoryBuffer, 'update'))


def test_getattr_is_limited_to_history_buffer_statistics(tmp_path):
    path = tmp_path / 'sneaky.pth'
    torch.save({'x': SneakyGetattr()}, path)
    with pytest.raises(pickle.UnpicklingError, match="getattr.*'update'.*refused"):
        torch.load(path, weights_only=True)


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_pickle_carrying_code_is_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': Evil()}, path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        torch.load(path, weights_only=True)


def test_mmengine_loads_refuse_code_and_truncation_naming_the_file(tmp_path):
    from mmengine.runner import load_checkpoint
    model = torch.nn.Linear(2, 2)
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': Evil()}, evil)
    with pytest.raises(ValueError, match=f'refused to load {evil}: it would run posix.system'):
        load_checkpoint(model, str(evil))
    good = tmp_path / 'good.pth'
    torch.save({'state_dict': model.state_dict()}, good)
    (tmp_path / 'cut.pth').write_bytes(good.read_bytes()[:200])
    with pytest.raises(ValueError, match="cut.pth is not a PyTorch checkpoint, or it is truncated"):
        load_checkpoint(model, str(tmp_path / 'cut.pth'))
    with pytest.raises(FileNotFoundError, match='checkpoint not found: .*missing.pth'):
        load_checkpoint(model, str(tmp_path / 'missing.pth'))
    load_checkpoint(model, str(good))


def test_local_writes_are_atomic(tmp_path, monkeypatch):
    from mmengine.fileio.backends import LocalBackend
    target = tmp_path / 'epoch_1.pth'
    LocalBackend().put(b'complete checkpoint', str(target))
    assert target.read_bytes() == b'complete checkpoint'

    def killed_mid_write(fd):
        raise KeyboardInterrupt('killed')  # stands in for a kill between write and rename

    monkeypatch.setattr(os, 'fsync', killed_mid_write)
    with pytest.raises(KeyboardInterrupt):
        LocalBackend().put(b'new but never finished', str(target))
    assert target.read_bytes() == b'complete checkpoint'
    monkeypatch.undo()
    LocalBackend().put_text('epoch_1.pth', str(tmp_path / 'last_checkpoint'))
    assert (tmp_path / 'last_checkpoint').read_text() == 'epoch_1.pth'


def test_interp2d_stand_in_reproduces_polynomials_on_grids():
    import numpy as np
    from scipy import interpolate
    x = np.arange(-3., 4.)
    y = np.arange(-2., 3.)
    exact = lambda xx, yy: xx**3 - 2 * yy**2 + xx * yy  # noqa: E731
    z = exact(x[None, :], y[:, None])  # (len(y), len(x)), as interp2d takes it
    f = interpolate.interp2d(x, y, z, kind='cubic')
    x_new, y_new = np.linspace(-3, 3, 13), np.linspace(-2, 2, 9)
    np.testing.assert_allclose(f(x_new, y_new), exact(x_new[None, :], y_new[:, None]),
                               atol=1e-9)
    assert f(x_new, y_new).shape == (9, 13)
