"""What the restricted unpickler builds and what it refuses."""
import argparse
import os
import sys
import types

import numpy as np
import pytest
import torch

from mfm_mm.engine.runner import load_checkpoint_file
from mfm_mm.engine.runner.safe_load import InertConfig


def save(obj, path, legacy: bool = False) -> str:
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return str(path)


@pytest.mark.parametrize('legacy', [False, True])
def test_weights_numpy_metadata_and_training_state_load(tmp_path, legacy):
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()
    buffer.update(np.float64(1.5))
    buffer.update(np.float64(2.5))
    weights = {'w': torch.arange(6.).view(2, 3), 'p': torch.nn.Parameter(torch.ones(2))}
    path = save({'state_dict': weights, 'message_hub': {'loss': buffer},
                 'meta': {'seed': np.int64(3), 'arr': np.arange(3.), 'dtype': torch.float16,
                          'shape': torch.Size([2, 3]), 'names': {'a', 'b'}, 'raw': b'\x00\xff'}},
                tmp_path / 'epoch_1.pth', legacy)
    loaded = load_checkpoint_file(path)
    assert torch.equal(loaded['state_dict']['w'], weights['w'])
    assert isinstance(loaded['state_dict']['p'], torch.nn.Parameter)
    assert loaded['message_hub']['loss'].mean() == 2.0
    assert loaded['message_hub']['loss'].current() == 2.5
    meta = loaded['meta']
    assert meta['seed'] == 3 and meta['arr'].tolist() == [0., 1., 2.]
    assert meta['dtype'] is torch.float16 and meta['shape'] == torch.Size([2, 3])
    assert meta['names'] == {'a', 'b'} and meta['raw'] == b'\x00\xff'


@pytest.fixture
def yacs_module(monkeypatch):
    """A stand-in ``yacs.config.CfgNode``: a dict subclass with attribute bookkeeping."""
    config = types.ModuleType('yacs.config')

    class CfgNode(dict):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.__dict__['__immutable__'] = False

    CfgNode.__module__, CfgNode.__qualname__ = 'yacs.config', 'CfgNode'
    config.CfgNode = CfgNode
    monkeypatch.setitem(sys.modules, 'yacs', types.ModuleType('yacs'))
    monkeypatch.setitem(sys.modules, 'yacs.config', config)
    return config


def test_release_config_objects_become_inert_data(tmp_path, yacs_module):
    cfg = yacs_module.CfgNode(MODEL=yacs_module.CfgNode(TYPE='vit'), EPOCHS=300)
    args = argparse.Namespace(model='beit_base_patch16_224', lr=4e-3)
    path = save({'model': {'w': torch.zeros(2)}, 'config': cfg, 'args': args},
                tmp_path / 'release.pth')
    sys.modules.pop('yacs.config')  # the user's machine need not have yacs
    loaded = load_checkpoint_file(path)
    assert type(loaded['config']) is InertConfig and type(loaded['config']['MODEL']) is InertConfig
    assert loaded['config'] == {'MODEL': {'TYPE': 'vit'}, 'EPOCHS': 300}
    assert vars(loaded['args']) == {'model': 'beit_base_patch16_224', 'lr': 4e-3}


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


class SneakyGetattr:
    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return (getattr, (HistoryBuffer, 'update'))


@pytest.mark.parametrize('legacy', [False, True])
def test_code_is_refused_naming_the_file_and_the_global(tmp_path, yacs_module, legacy):
    cfg = yacs_module.CfgNode(EPOCHS=300)
    path = save({'config': cfg, 'model': Evil()}, tmp_path / 'evil.pth', legacy)
    with pytest.raises(ValueError, match=f'refused to load {path}: it would run posix.system'):
        load_checkpoint_file(path)
    path = save({'x': SneakyGetattr()}, tmp_path / 'sneaky.pth', legacy)
    with pytest.raises(ValueError, match=r"would run getattr\('HistoryBuffer', 'update'\)"):
        load_checkpoint_file(path)


class MarkedTensor(torch.Tensor):
    """A tensor subclass: its pickle names this test module's class."""


def test_subclassed_tensors_are_refused(tmp_path):
    path = save({'w': torch.zeros(2).as_subclass(MarkedTensor)}, tmp_path / 'sub.pth')
    with pytest.raises(ValueError, match='it would run test_safe_load.MarkedTensor'):
        load_checkpoint_file(path)
