"""FAMT-MAE: masked / thrown / visible groups, thrown patches never reach decoder or loss."""
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mfm_mm.models.algorithms.famt_mae as famt_mae

PATCHES = 16  # 64 px / 16


def build(**kwargs):
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='FAMTMAE',
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], to_rgb=True),
        backbone=dict(type='FAMTViT', arch=dict(embed_dims=64, num_layers=2, num_heads=4,
                                                feedforward_channels=128), img_size=64),
        neck=dict(type='FAMTPretrainDecoder', num_patches=PATCHES, embed_dim=64,
                  decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='MAEPretrainHead', norm_pix=True, patch_size=16,
                  loss=dict(type='PixelReconstructionLoss', criterion='L2')),
        **kwargs))
    model.init_weights()
    return model


def samples(n=2):
    """Samples of whole-image crops, as RandomResizedCropWithBox + PackInputs give."""
    return [DataSample(sample_idx=i, flip=False, crop_box=np.array([0., 0., 1., 1.]))
            for i in range(n)]


def ready(model, num_images=2):
    """The model after a first refresh: random maps, refreshed at epoch 0."""
    model.reset_weights(num_images)
    model.famt_weights.copy_(torch.randint(0, 256, model.famt_weights.shape))
    model.refreshed_epoch.fill_(0)
    return model


def count_tokens(model):
    seen = {}

    def recorder(name):
        def record(module, args):
            seen[name] = args[0].shape[1]
        return record

    model.backbone.layers[0].register_forward_pre_hook(recorder('encoder'))
    model.neck.decoder_blocks[0].register_forward_pre_hook(recorder('decoder'))
    return seen


def patch_pixels(ids, size=64, patch=16):
    """Boolean pixel mask ``(size, size)`` of the given patch indices."""
    mask = torch.zeros(size // patch, size // patch, dtype=torch.bool)
    mask.view(-1)[ids] = True
    return mask.repeat_interleave(patch, 0).repeat_interleave(patch, 1)


def test_defaults_and_group_sizes_after_the_first_refresh():
    model = build()
    assert (model.mask_ratio, model.throw_ratio, model.warmup_mask_ratio) == (0.45, 0.40, 0.75)
    assert not model.weights_ready and model.famt_weights.shape == (0, 4, 4)
    ready(model)
    seen = count_tokens(model)
    model.loss(torch.randn(2, 3, 64, 64), samples())
    # L = 16: 7 masked, 6 thrown, 3 visible
    assert seen == dict(encoder=1 + 3, decoder=1 + 3 + 7)


def test_warmup_is_mae_random_masking():
    model = build()
    seen = count_tokens(model)
    model.loss(torch.randn(2, 3, 64, 64), samples())
    assert seen == dict(encoder=1 + 4, decoder=1 + 16)  # 75% masked, nothing thrown


def test_thrown_patches_never_reach_the_decoder_or_the_loss(monkeypatch):
    model = ready(build())
    order = torch.stack([torch.randperm(PATCHES, generator=torch.Generator().manual_seed(s))
                         for s in range(2)])
    monkeypatch.setattr(famt_mae, 'weighted_order', lambda weights: order)
    masked, thrown = order[:, :7], order[:, 7:13]
    inputs = torch.randn(2, 3, 64, 64, requires_grad=True)
    loss = model.loss(inputs, samples())['loss']
    loss.backward()
    for i in range(2):
        grad = inputs.grad[i].abs().sum(0)
        assert grad[patch_pixels(thrown[i])].max() == 0  # no path from thrown pixels to loss
        assert grad[patch_pixels(masked[i])].sum() > 0
    # Replacing the thrown pixels by anything leaves the loss bit-identical.
    noisy = inputs.detach().clone()
    for i in range(2):
        noisy[i][:, patch_pixels(thrown[i])] = 100 * torch.randn_like(
            noisy[i][:, patch_pixels(thrown[i])])
    assert model.loss(noisy, samples())['loss'] == loss
    # The loss is the mean squared error over the 7 masked patches only.
    with torch.no_grad():
        latent = model.backbone(inputs, ids_keep=order[:, 13:])
        pred = model.neck(latent, torch.cat([order[:, 13:], masked], 1))[:, 3:]  # masked part
        target = model.head.construct_target(inputs).gather(
            1, masked[..., None].expand(-1, -1, 768))
        assert loss.item() == pytest.approx((pred - target).pow(2).mean().item(), rel=1e-5)


@pytest.mark.parametrize('mask_ratio, throw_ratio', [(0.6, 0.4), (0.7, 0.5)])
def test_ratios_summing_to_one_or_more_are_refused(mask_ratio, throw_ratio):
    with pytest.raises(ValueError, match='mask_ratio.*throw_ratio'):
        build(mask_ratio=mask_ratio, throw_ratio=throw_ratio)


def test_samples_without_a_crop_box_say_what_to_use():
    model = build()
    with pytest.raises(ValueError, match=r"RandomResizedCropWithBox and PackInputs\(algorithm_keys="
                                         r"\['crop_box'\]\)"):
        model.loss(torch.randn(1, 3, 64, 64), [DataSample(sample_idx=0)])


def test_a_sample_index_beyond_the_maps_is_refused():
    model = ready(build(), num_images=1)
    with pytest.raises(ValueError, match='sample_idx 1 but 1 maps'):
        model.loss(torch.randn(2, 3, 64, 64), samples())


def test_maps_and_refresh_epoch_travel_in_the_state_dict_into_an_empty_model():
    trained = ready(build(), num_images=5)
    trained.refreshed_epoch.fill_(40)
    fresh = build()
    assert fresh.famt_weights.shape == (0, 4, 4) and int(fresh.refreshed_epoch) == -1
    fresh.load_state_dict(trained.state_dict())
    assert torch.equal(fresh.famt_weights, trained.famt_weights)
    assert int(fresh.refreshed_epoch) == 40 and fresh.weights_ready
    torch.manual_seed(3)
    first = fresh.patch_order(samples())[0]
    torch.manual_seed(3)
    assert torch.equal(trained.patch_order(samples())[0], first)  # identical masking


def test_refresh_weights_stores_every_map_by_sample_index():
    model = build()
    model.reset_weights(3)
    photos = torch.randint(0, 256, (3, 3, 64, 64), generator=torch.Generator().manual_seed(0))
    batches = [dict(inputs=photos[[2, 0]], data_samples=[DataSample(sample_idx=2),
                                                          DataSample(sample_idx=0)]),
               dict(inputs=photos[[1]], data_samples=[DataSample(sample_idx=1)])]
    model.refresh_weights(batches, epoch=7)
    normalised = model.data_preprocessor(dict(inputs=photos, data_samples=None), False)['inputs']
    expected = model.sampling_weights(normalised)
    assert int(model.refreshed_epoch) == 7 and model.training
    assert (model.famt_weights.float() / 255 - expected).abs().max() <= 0.5 / 255 + 1e-6
    assert expected.flatten(1).std(1).min() > 0.05  # real preferences, not uniform maps


@pytest.mark.parametrize('kwargs, error, message', [
    (dict(mask_ratio='0.45'), TypeError, "mask_ratio must be a number.*got '0.45' of type str"),
    (dict(warmup_mask_ratio=1.5), ValueError, 'warmup_mask_ratio'),
    (dict(fusion='max'), ValueError, "fusion must be one of \\('sum', 'product'\\)"),
    (dict(freq_weight=2.), ValueError, 'freq_weight'),
    (dict(freq_cutoff=0.), ValueError, 'freq_cutoff'),
    (dict(freq_cutoff='1/7'), TypeError, 'freq_cutoff'),
])
def test_bad_options_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        build(**kwargs)
