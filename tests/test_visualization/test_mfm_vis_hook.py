"""MFMVisualizationHook sends its picture through runner.visualizer to every backend."""
import glob
import io
import json
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from conftest import REPO

DEMO = osp.join(REPO, 'configs', 'demo', 'mfm_vit-tiny-p16_cpu-demo_128px.py')
# the lines that configs/_base_/mfm_runtime.py shows for TensorBoard
TENSORBOARD = """
visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                dict(type='TensorboardVisBackend')])
"""


@pytest.fixture(scope='module')
def tensorboard_run(tiny_imagenet, tmp_path_factory):
    """The demo config with TensorBoard on, 64 px, batch 8, 2 epochs of 6 iterations."""
    from mfm_mm.engine.runner import build_runner, load_config
    root = tmp_path_factory.mktemp('tensorboard')
    config = root / 'mfm_tensorboard.py'
    config.write_text(f'_base_ = {DEMO!r}\n{TENSORBOARD}')
    cfg = load_config(str(config), work_dir=str(root / 'work_dir'), cfg_options={
        'train_dataloader.dataset.data_root': tiny_imagenet,
        'train_dataloader.batch_size': 8, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale': 64,
        'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.radius': 4, 'model.backbone.img_size': 64,
        'train_cfg.max_epochs': 2, 'param_scheduler.warmup': 1, 'param_scheduler.end': 2,
        'default_hooks.logger.interval': 1, 'default_hooks.checkpoint.interval': 2,
        'custom_hooks.MFMVisualizationHook.interval': 1, 'custom_hooks.MFMVisualizationHook.num_images': 2, 'randomness.seed': 0})
    runner = build_runner(cfg)
    runner.train()
    return cfg.work_dir


def _events(work_dir: str):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    files = glob.glob(osp.join(work_dir, '*', 'vis_data', 'events.out.tfevents.*'))
    assert len(files) == 1, files
    events = EventAccumulator(files[0], size_guidance={'images': 0, 'scalars': 0})
    events.Reload()
    return events


def test_tensorboard_gets_the_picture_of_every_epoch(tensorboard_run):
    events = _events(tensorboard_run)
    assert 'mfm_vis' in events.Tags()['images']
    pictures = events.Images('mfm_vis')
    assert [p.step for p in pictures] == [1, 2]
    for picture in pictures:
        png = osp.join(tensorboard_run, 'mfm_vis', f'epoch_{picture.step}.png')
        with Image.open(png) as saved:
            expected = np.asarray(saved.convert('RGB'))
        # 2 rows x 5 columns of 2.4-inch panels at 100 dpi
        assert (picture.height, picture.width) == expected.shape[:2] == (480, 1200)
        with Image.open(io.BytesIO(picture.encoded_image_string)) as sent:
            np.testing.assert_array_equal(np.asarray(sent.convert('RGB')), expected)


def test_tensorboard_gets_the_loss_of_every_iteration(tensorboard_run):
    events = _events(tensorboard_run)
    losses = events.Scalars('loss')
    assert [s.step for s in losses] == list(range(1, 13))  # 48 photos / 8 x 2 epochs
    scalars = glob.glob(osp.join(tensorboard_run, '*', 'vis_data', 'scalars.json'))
    with open(scalars[0]) as f:
        logged = [json.loads(line)['loss'] for line in f if '"loss"' in line]
    np.testing.assert_allclose([s.value for s in losses], logged, rtol=1e-4)
    assert all(0 < s.value < 10 for s in losses)


def test_local_backend_gets_the_same_picture(tensorboard_run):
    local = sorted(glob.glob(osp.join(tensorboard_run, '*', 'vis_data', 'vis_image', '*.png')))
    assert [osp.basename(p) for p in local] == ['mfm_vis_1.png', 'mfm_vis_2.png']
    with Image.open(local[1]) as a, Image.open(osp.join(tensorboard_run, 'mfm_vis',
                                                      'epoch_2.png')) as b:
        np.testing.assert_array_equal(np.asarray(a.convert('RGB')), np.asarray(b.convert('RGB')))


def test_importing_the_package_leaves_the_matplotlib_backend_alone():
    from conftest import PYTHON, run_tool
    out = run_tool([PYTHON, '-c', 'import matplotlib, mfm_mm.visualization, sys; '
                    'print(matplotlib.rcParams._get_backend_or_none(), '
                    '"matplotlib.pyplot" in sys.modules)'], env={'MPLBACKEND': ''})
    assert out.stdout.split()[-2:] == ['None', 'False']
