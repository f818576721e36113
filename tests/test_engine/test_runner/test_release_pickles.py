"""load_checkpoint_file on the official release containers: their config objects become inert
data, and a pickle that would run code next to them is still refused, naming the file."""
import argparse
import os

import pytest
import torch

from helpers.official_releases import save_release
from mfm_mm.engine.runner import load_checkpoint_file
from mfm_mm.engine.runner.safe_load import InertConfig


def test_mfm_full_save_with_cfgnode_and_namespace_loads_as_data(tmp_path):
    path = save_release(str(tmp_path / 'mfm.pth'), 'model', {'cls_token': torch.ones(1, 1, 4)},
                        full=True)
    checkpoint = load_checkpoint_file(path, map_location='cpu')
    assert type(checkpoint['config']) is InertConfig  # no yacs behaviour, only its items
    assert checkpoint['config'] == {'MODEL': {'TYPE': 'vit'}}
    assert type(checkpoint['config']['MODEL']) is InertConfig
    assert isinstance(checkpoint['args'], argparse.Namespace)
    assert checkpoint['args'].model == 'vit_base_patch16' and checkpoint['args'].lr == 1e-3
    assert torch.equal(checkpoint['model']['cls_token'], torch.ones(1, 1, 4))


class Payload:
    """Runs a shell command when unpickled."""

    def __reduce__(self):
        return os.system, ('touch PWNED',)


def test_code_next_to_a_cfgnode_is_refused(tmp_path):
    path = save_release(str(tmp_path / 'evil.pth'), 'model', {'cls_token': torch.ones(1)},
                        full=True, extra=dict(hook=Payload()))
    with pytest.raises(ValueError, match=r'refused to load .*evil\.pth: it would run '
                                         r'(posix|os|nt)\.system') as error:
        load_checkpoint_file(path, map_location='cpu')
    assert 'weights_only' not in str(error.value)
    assert not (tmp_path / 'PWNED').exists() and not os.path.exists('PWNED')
