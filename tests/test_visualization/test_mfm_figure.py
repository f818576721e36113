import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from PIL import Image

from mfm_mm.visualization import CAPTION, COLUMNS, TRANSFER_TITLE, mfm_panels, save_mfm_figure
from mfm_mm.visualization.mfm_figure import _mfm_figure
from test_models.test_algorithms.test_mfm import TINY_RESNET, TINY_VIT, photo_batch


def test_panels_show_the_corruption_and_keep_training_mode():
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    model.train()
    panels = mfm_panels(model, photo_batch(32, n=3))
    assert model.training
    assert list(panels) == [*COLUMNS, CAPTION]
    assert set(panels[CAPTION]) <= {'low-pass mask', 'high-pass mask'}
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


def test_panels_of_a_restoration_pretext_show_the_transfer_and_the_raw_output(tmp_path):
    from mfm_mm.visualization import mask_kind, save_radial_power_plot
    torch.manual_seed(0)
    cfg = dict(TINY_VIT, corruption=dict(type='SuperResolutionCorruption', scale=8))
    model = MODELS.build(cfg)
    batch = photo_batch(32, n=2)
    panels = mfm_panels(model, batch)
    transfer = panels['kept frequencies']
    assert transfer.shape == (2, 32, 32) and 0 <= transfer.min() and transfer.max() <= 1
    assert transfer[:, 16, 16].min() > 0.95  # DC passes the resampling
    assert transfer[:, 0, 0].max() < 0.2  # the corner frequencies do not
    assert mask_kind(transfer[0]) == 'transfer'
    data = model.data_preprocessor(batch, False)
    model.eval()
    _, raw, _ = model.reconstruct(data['inputs'], data['data_samples'])
    mean, std = model.data_preprocessor.mean, model.data_preprocessor.std
    raw = ((raw * std + mean) / 255.).clamp(0, 1).permute(0, 2, 3, 1).detach().numpy()
    np.testing.assert_allclose(panels['reconstruction'], raw, atol=1e-6)
    assert Image.open(save_radial_power_plot(panels, str(tmp_path / 'p.png'))).size[0] > 300


def test_mask_kinds():
    from mfm_mm.datasets.transforms import FrequencyMaskGenerator
    from mfm_mm.visualization import mask_kind
    gen = FrequencyMaskGenerator(radius=4, band_outer=10)
    plain = FrequencyMaskGenerator(radius=4)
    size = (32, 32)
    kinds = [mask_kind(m.float().numpy())
             for m in (*plain.masks(size)[:, 0], *gen.masks(size)[:, 0])]  # low, high each
    assert kinds == ['low-pass', 'high-pass', 'band-stop', 'band-pass']


def test_radial_power_of_a_cosine_peaks_at_its_radius():
    from mfm_mm.visualization import radial_power
    y, x = np.mgrid[:64, :64]
    wave = np.cos(2 * np.pi * (3 * x + 4 * y) / 64)  # frequency (4, 3): radius 5
    curve = radial_power(np.repeat(wave[None, ..., None], 3, axis=-1))
    assert curve.shape == (33, ) and int(np.argmax(curve)) == 5
    # the Hann window spreads the two peak bins (4, 3), (-4, -3) over the neighbouring radii only
    assert curve[4:7].sum() > 0.9999 * curve.sum()


def _captions(panels):
    """Column titles of the first row and the mask column's per-row captions."""
    axes = _mfm_figure(panels, COLUMNS).axes
    return [ax.get_title() for ax in axes[:len(COLUMNS)]], [ax.get_xlabel() for ax in axes[2::5]]


@pytest.mark.parametrize('corruption, caption', [
    (dict(type='SuperResolutionCorruption', scale=8), 'bicubic down x8, up x8'),
    (dict(type='GaussianBlurCorruption', sigma=2.0, kernel_sizes=(7, )),
     'Gaussian blur, sigma 2 px'),
    (dict(type='GaussianNoiseCorruption'), 'Gaussian noise, sigma 75/255'),
])
def test_restoration_pretexts_are_captioned_with_what_they_did(corruption, caption):
    model = MODELS.build(dict(TINY_VIT, corruption=corruption))
    titles, captions = _captions(mfm_panels(model, photo_batch(32, n=2)))
    assert titles[2] == TRANSFER_TITLE and 'kept frequencies' not in titles
    assert captions == [caption, caption]


def test_masks_are_captioned_kept_frequencies_and_their_kind():
    torch.manual_seed(0)
    panels = mfm_panels(MODELS.build(TINY_VIT), photo_batch(32, n=3))
    titles, captions = _captions(panels)
    assert titles == list(COLUMNS)
    assert captions == list(panels[CAPTION])
    assert all(caption in ('low-pass mask', 'high-pass mask') for caption in captions)
