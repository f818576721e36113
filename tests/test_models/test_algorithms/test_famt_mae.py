"""FAMT-MAE: masked / thrown / visible groups, thrown patches never reach decoder or loss."""
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
    return [DataSample(famt_weight=torch.rand(4, 4)) for _ in range(n)]


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
    model.weights_ready = True
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
    model = build()
    model.weights_ready = True
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


def test_weight_map_of_the_wrong_grid_is_refused():
    model = build()
    with pytest.raises(ValueError, match='FAMTWeightMap.grid_size'):
        model.loss(torch.randn(1, 3, 64, 64), [DataSample(famt_weight=torch.rand(14, 14))])
