"""tools/visualization/vis_corruptions.py end to end on real photos, with a checkpoint."""
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from PIL import Image

from conftest import PYTHON, REPO, run_tool
from mfm_mm.engine.runner import load_config

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')
NAMES = ('low-pass', 'high-pass', 'band-pass', 'super-resolution', 'deblur', 'denoise')


@pytest.mark.slow
def test_writes_grids_and_spectra_of_every_corruption(tiny_imagenet, tmp_path):
    cfg = load_config(DEMO)
    model = MODELS.build(dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    checkpoint = str(tmp_path / 'mfm.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    out_dir = tmp_path / 'vis'
    out = run_tool([PYTHON, 'tools/visualization/vis_corruptions.py', DEMO, '--checkpoint',
                    checkpoint, '--out-dir', str(out_dir), '--num-images', '3', '--cfg-options',
                    f'train_dataloader.dataset.data_root={tiny_imagenet}'])
    assert 'Loads checkpoint' in out.stdout + out.stderr
    for name in NAMES:
        width, height = Image.open(out_dir / f'{name}.png').size
        assert width == 1200 and height > 600  # 5 columns x 3 rows
        assert Image.open(out_dir / f'{name}_radial_power.png').size == (500, 360)
    curves = {name: {key: np.array(v) for key, v in c.items()}
              for name, c in json.loads((out_dir / 'radial_power.json').read_text()).items()}
    assert list(curves) == list(NAMES) and len(curves['deblur']['image']) == 65  # 128 px
    image = curves['low-pass']['image']
    # 128 px, radius 9: the low-pass input has almost no power beyond the disc
    assert curves['low-pass']['corrupted input'][20:].sum() < 0.05 * image[20:].sum()
    # x8 resampling: a 16 px grid, Nyquist at radius 8, plus bicubic leakage
    assert curves['super-resolution']['corrupted input'][16:].sum() < 0.01 * image[16:].sum()
    assert curves['deblur']['corrupted input'][30:].sum() < 0.01 * image[30:].sum()
    assert (curves['denoise']['corrupted input'][30:] > 3 * image[30:]).all()


def test_unknown_corruption_is_named(tmp_path):
    import subprocess
    proc = subprocess.run([PYTHON, 'tools/visualization/vis_corruptions.py', DEMO,
                           '--corruptions', 'sharpen', '--out-dir', str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "unknown ['sharpen']; allowed: low-pass" in proc.stderr
