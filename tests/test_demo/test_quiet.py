"""The demo's console: known harmless warnings left out, every other warning kept."""
import subprocess
import sys

from conftest import REPO

CODE = '''
import warnings
from mfm_mm.demo.quiet import quiet_known_warnings
quiet_known_warnings()
from mmengine.config import Config
Config.fromfile('configs/demo/downstream/vit-4l-p7_upernet-mnist_28px.py')
warnings.warn('another UserWarning')
'''


def test_config_loading_is_quiet_and_other_warnings_still_show():
    plain = subprocess.run([sys.executable, '-c', CODE.replace('quiet_known_warnings()', '')],
                           cwd=REPO, capture_output=True, text=True, check=True)
    assert plain.stderr.count('pkg_resources is deprecated') >= 1
    quiet = subprocess.run([sys.executable, '-c', CODE], cwd=REPO, capture_output=True,
                           text=True, check=True)
    assert 'pkg_resources' not in quiet.stderr
    assert quiet.stderr.strip().splitlines() == [
        '<string>:7: UserWarning: another UserWarning']


def test_mmseg_conversion_of_a_vit_warns_nothing(recwarn):
    import torch

    from mfm_mm.apis.convert_weights import _relative_position_index
    index = _relative_position_index((4, 4), num_heads=2)
    assert index.shape == (17, 17) and int(index.max()) == 7 * 7 + 2
    assert not [w for w in recwarn if 'meshgrid' in str(w.message)]
    assert index.dtype == torch.long
