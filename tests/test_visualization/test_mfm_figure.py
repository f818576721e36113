import numpy as np
import torch
from mmpretrain.registry import MODELS
from PIL import Image

from mfm_mm.visualization import COLUMNS, mfm_panels, save_mfm_figure
from test_models.test_algorithms.test_mfm import TINY_RESNET, TINY_VIT, photo_batch


def test_panels_show_the_corruption_and_keep_training_mode():
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    model.train()
    panels = mfm_panels(model, photo_batch(32, n=3))
    assert model.training
    assert list(panels) == list(COLUMNS)
    assert panels['image'].shape == (3, 32, 32, 3)
    assert panels['log-magnitude spectrum'].shape == panels['kept frequencies'].shape == (3, 32,
                                                                                            32)
    for key in ('image', 'corrupted input', 'reconstruction'):
        assert panels[key].min() >= 0 and panels[key].max() <= 1
    # the clean image in the panel is the real photo crop (RGB) up to normalisation rounding
    rgb = photo_batch(32, n=3)['inputs'][:, [2, 1, 0]].permute(0, 2, 3, 1).numpy() / 255.
    np.testing.assert_allclose(panels['image'], rgb, atol=1e-5)


def test_batch_norm_statistics_untouched(tmp_path):
    model = MODELS.build(TINY_RESNET)
    before = model.backbone.bn1.running_mean.clone()
    out = save_mfm_figure(mfm_panels(model, photo_batch(64, n=2)), str(tmp_path / 'fig.png'))
    assert torch.equal(model.backbone.bn1.running_mean, before)
    width, height = Image.open(out).size
    assert width > height > 100  # 2 rows x 5 columns
