import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from conftest import CPU_AUTOCAST_DTYPES, OLD_TORCH_COMPILE
from mfm_mm.datasets.transforms import FrequencyMaskGenerator

PREPROCESSOR = dict(type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
                    std=[58.395, 57.12, 57.375], to_rgb=True)
TINY_VIT = dict(
    type='MFM',
    data_preprocessor=PREPROCESSOR,
    backbone=dict(type='BEiTViT', arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                                            feedforward_channels=64),
                  img_size=32, patch_size=8, final_norm=True, out_type='featmap',
                  use_abs_pos_emb=True, use_rel_pos_bias=False, layer_scale_init_value=0.),
    neck=dict(type='SimMIMLinearDecoder', in_channels=32, encoder_stride=8),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))
TINY_RESNET = dict(
    type='MFM',
    data_preprocessor=PREPROCESSOR,
    backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
    neck=dict(type='SimMIMLinearDecoder', in_channels=512, encoder_stride=32),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')))


def photo_batch(size: int, n: int = 4, seed: int = 0) -> dict:
    """Crops of a real photo (BGR uint8, as LoadImageFromFile gives) with frequency masks."""
    from skimage import data
    np.random.seed(seed)
    photo = data.coffee()[..., ::-1]
    gen = FrequencyMaskGenerator(radius=size // 8)
    inputs, samples = [], []
    for i in range(n):
        crop = np.ascontiguousarray(photo[40 * i:40 * i + size * 2:2, 60 * i:60 * i + size * 2:2])
        inputs.append(torch.from_numpy(crop).permute(2, 0, 1))
        sample = DataSample()
        sample.set_field(gen(dict(img=crop))['freq_mask'], 'freq_mask')
        samples.append(sample)
    return dict(inputs=torch.stack(inputs), data_samples=samples)


@pytest.mark.parametrize('cfg, size, feat_shape', [
    (TINY_VIT, 32, (4, 32, 4, 4)),
    (TINY_RESNET, 64, (4, 512, 2, 2)),
])
def test_shapes_and_gradients_reach_decoder_and_backbone(cfg, size, feat_shape):
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    data = model.data_preprocessor(photo_batch(size), True)
    corrupted, rec, keep = model.reconstruct(data['inputs'], data['data_samples'])
    assert corrupted.shape == rec.shape == (4, 3, size, size)
    assert keep.shape == (4, size, size)
    assert model.extract_feat(data['inputs'])[-1].shape == feat_shape
    loss = model(**data, mode='loss')['loss']
    assert loss.ndim == 0 and loss.item() > 0
    loss.backward()
    for name in ('neck.decoder.0.weight',
                 'backbone.patch_embed.projection.weight' if 'BEiT' in cfg['backbone']['type']
                 else 'backbone.conv1.weight'):
        grad = dict(model.named_parameters())[name].grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_encoder_sees_the_corrupted_image_only():
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    data = model.data_preprocessor(photo_batch(32), True)
    corrupted, _, _ = model.reconstruct(data['inputs'], data['data_samples'])
    seen = []
    handle = model.backbone.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    model(**data, mode='loss')
    handle.remove()
    torch.testing.assert_close(seen[0], corrupted)
    assert (corrupted - data['inputs']).abs().mean() > 0.05


def test_all_kept_mask_feeds_the_clean_image():
    model = MODELS.build(TINY_VIT)
    data = model.data_preprocessor(photo_batch(32), True)
    for sample in data['data_samples']:
        sample.freq_mask = torch.ones(32, 32, dtype=torch.bool)
    corrupted, _, _ = model.reconstruct(data['inputs'], data['data_samples'])
    torch.testing.assert_close(corrupted, data['inputs'], atol=1e-4, rtol=0)


def test_loss_decreases_on_a_fixed_batch():
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    model.init_weights()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    data = model.data_preprocessor(photo_batch(32), True)
    losses = []
    for _ in range(60):
        loss = model(**data, mode='loss')['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]


@pytest.mark.parametrize('masked, plain', [
    (dict(type='SimMIMSwinTransformer', arch='tiny', img_size=64, stage_cfgs=dict()),
     'SwinTransformer'),
    (dict(TINY_VIT['backbone'], type='BEiTPretrainViT'), 'BEiTViT'),
])
def test_backbone_that_needs_a_mask_fails_at_build_naming_the_fix(masked, plain):
    cfg = dict(TINY_VIT, backbone=masked)
    with pytest.raises(TypeError, match=(
            f"{masked['type']}.forward also requires 'mask'; use backbone type='{plain}'")):
        MODELS.build(cfg)


def test_needs_a_normalising_preprocessor():
    cfg = dict(TINY_VIT, data_preprocessor=dict(type='SelfSupDataPreprocessor'))
    model = MODELS.build(cfg)
    data = model.data_preprocessor(photo_batch(32), True)
    with pytest.raises(ValueError, match='mean and std'):
        model(**data, mode='loss')


@pytest.mark.skipif(OLD_TORCH_COMPILE, reason='torch.compile of these modules needs torch >= 2.2')
def test_torch_compile_gives_the_same_loss_and_gradients():
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    data = model.data_preprocessor(photo_batch(32), True)
    eager = model(**data, mode='loss')['loss']
    eager.backward()
    grad = model.neck.decoder[0].weight.grad.clone()
    model.zero_grad()
    compiled = torch.compile(model, backend='aot_eager')(**data, mode='loss')['loss']
    compiled.backward()
    assert compiled.item() == pytest.approx(eager.item(), rel=1e-5)
    torch.testing.assert_close(model.neck.decoder[0].weight.grad, grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('dtype', CPU_AUTOCAST_DTYPES)
def test_autocast_step_keeps_ffts_in_float32(dtype):
    torch.manual_seed(0)
    model = MODELS.build(TINY_VIT)
    data = model.data_preprocessor(photo_batch(32), True)
    reference = model(**data, mode='loss')['loss']
    with torch.autocast('cpu', dtype=dtype):
        corrupted, rec, keep = model.reconstruct(data['inputs'], data['data_samples'])
        loss = model(**data, mode='loss')['loss']
    assert corrupted.dtype == torch.float32 and loss.dtype == torch.float32
    assert torch.isfinite(loss) and loss.item() == pytest.approx(reference.item(), rel=0.05)


def test_default_corruption_is_mfms_filter_clamped_and_renormalised():
    from mfm_mm.models.corruptions import FrequencyMaskCorruption
    from mfm_mm.models.utils import frequency_filter, to_fft_layout
    model = MODELS.build(TINY_VIT)
    assert isinstance(model.corruption, FrequencyMaskCorruption)
    data = model.data_preprocessor(photo_batch(32), True)
    corrupted, keep = model.corruption.corrupt(data['inputs'], data['data_samples'],
                                               model.data_preprocessor)
    masks = to_fft_layout(torch.stack([s.freq_mask for s in data['data_samples']]))
    mean, std = model.data_preprocessor.mean, model.data_preprocessor.std
    unit = (data['inputs'] * std + mean) / 255.
    expected = (frequency_filter(unit, masks).clamp(0., 1.) * 255. - mean) / std
    assert torch.equal(keep, masks)
    torch.testing.assert_close(corrupted, expected)


RESTORATION = {
    'SuperResolutionCorruption': dict(scale=8),
    'GaussianBlurCorruption': dict(sigma=5., kernel_sizes=(7, 9)),
    'GaussianNoiseCorruption': dict(sigma=75 / 255),
}


@pytest.mark.parametrize('name', sorted(RESTORATION))
def test_restoration_pretexts_train_with_the_all_bins_loss(name):
    torch.manual_seed(0)
    cfg = dict(TINY_VIT, corruption=dict(type=name, **RESTORATION[name]))
    model = MODELS.build(cfg)
    data = model.data_preprocessor(photo_batch(32), True)
    corrupted, rec, keep = model.reconstruct(data['inputs'], data['data_samples'])
    assert keep is None and corrupted.shape == rec.shape == (4, 3, 32, 32)
    assert (corrupted - data['inputs']).abs().mean() > 0.05
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    losses = []
    for _ in range(30):
        loss = model(**data, mode='loss')['loss']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize('corruption', ['FrequencyMaskCorruption', 'GaussianNoiseCorruption'])
def test_loss_scores_the_removed_bins_with_a_mask_and_every_bin_without(corruption):
    model = MODELS.build(dict(TINY_VIT, corruption=dict(type=corruption)))
    data = model.data_preprocessor(photo_batch(32), True)
    torch.manual_seed(1)
    loss = model(**data, mode='loss')['loss']
    torch.manual_seed(1)  # the same noise draw
    _, rec, keep = model.reconstruct(data['inputs'], data['data_samples'])
    distance = torch.fft.fft2(rec - data['inputs'], norm='ortho').abs()  # (N, C, H, W)
    if corruption == 'GaussianNoiseCorruption':
        assert keep is None
        expected = distance.mean()
    else:
        removed = (~keep).float()[:, None]  # (N, 1, H, W)
        expected = (distance * removed).sum() / (3 * removed.sum())
    assert loss.item() == pytest.approx(expected.item(), rel=1e-4)


def test_unknown_corruption_fails_at_build_time_listing_the_allowed_ones():
    cfg = dict(TINY_VIT, corruption=dict(type='JPEGCorruption'))
    with pytest.raises(ValueError, match="'JPEGCorruption'; allowed: FrequencyMaskCorruption"):
        MODELS.build(cfg)
