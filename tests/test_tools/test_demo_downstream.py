"""tools/demo_downstream.py on a freshly pre-trained tiny MFM, shrunk to a few steps."""
import re

import pytest

from conftest import PYTHON, REPO, run_tool
from tiny_mfm import pretrained_tiny_mfm


@pytest.fixture(scope='module')
def mfm_checkpoint(tiny_imagenet, tmp_path_factory) -> str:
    return pretrained_tiny_mfm(tiny_imagenet, str(tmp_path_factory.mktemp('tiny_mfm')))


@pytest.mark.slow
def test_demo_reports_mfm_and_scratch_top1_and_miou(mfm_checkpoint, tmp_path):
    out = run_tool([PYTHON, 'tools/demo_downstream.py', '--checkpoint', mfm_checkpoint,
                    '--work-dir', str(tmp_path / 'work'), '--data-root', str(tmp_path / 'data'),
                    '--epochs', '2', '--train-per-class', '2', '--val-per-class', '2',
                    '--seg-iters', '4'], env={'OMP_NUM_THREADS': '1'}).stdout
    numbers = {}
    for name in ('digits top-1, MFM init', 'digits top-1, random init', 'coins mIoU, MFM init'):
        found = re.search(re.escape(name) + r':\s+([\d.]+) %', out)
        assert found, out[-2000:]
        numbers[name] = float(found.group(1))
    assert all(0 <= value <= 100 for value in numbers.values())
    for top1 in list(numbers.values())[:2]:
        assert round(top1 * 20 / 100, 3) % 1 == 0  # k of the 20 validation digits


def test_demo_without_a_checkpoint_says_what_to_run(tmp_path):
    import subprocess
    proc = subprocess.run([PYTHON, 'tools/demo_downstream.py', '--checkpoint',
                           str(tmp_path / 'none.pth')], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert 'checkpoint not found' in proc.stderr and 'make demo' in proc.stderr
