import numpy as np
import pytest
import torch
from mmpretrain.datasets.transforms import SimMIMMaskGenerator
from mmpretrain.registry import MODELS

from test_models.test_algorithms.test_mfm import PREPROCESSOR, photo_batch

TINY = dict(
    type='FrequencySimMIM',
    data_preprocessor=PREPROCESSOR,
    backbone=dict(type='SimMIMSwinTransformer',
                  arch=dict(embed_dims=16, depths=[1, 1, 1, 1], num_heads=[1, 1, 2, 4]),
                  img_size=64, pad_small_map=True, drop_path_rate=0.),
    neck=dict(type='SimMIMLinearDecoder', in_channels=128, encoder_stride=32),
    head=dict(type='SimMIMHead', patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L1', channel=3)))


def masked_batch(all_kept: bool = False) -> dict:
    np.random.seed(0)
    batch = photo_batch(64, n=2)
    gen = SimMIMMaskGenerator(input_size=64, mask_patch_size=16, model_patch_size=4,
                              mask_ratio=0.5)
    for sample in batch['data_samples']:
        sample.set_field(torch.as_tensor(gen({})['mask']), 'mask')
        if all_kept:
            sample.freq_mask = torch.ones(64, 64, dtype=torch.bool)
    return batch


def test_encoder_sees_frequency_corrupted_and_masked_patches():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    data = model.data_preprocessor(masked_batch(), True)
    seen = []
    handle = model.backbone.register_forward_pre_hook(lambda m, args: seen.append(args))
    loss = model(**data, mode='loss')['loss']
    handle.remove()
    expected, _ = model.corruption.corrupt(data['inputs'], data['data_samples'],
                                           model.data_preprocessor)
    torch.testing.assert_close(seen[0][0], expected)
    assert (expected - data['inputs']).abs().mean() > 0.05
    assert seen[0][1].shape == (2, 16, 16) and seen[0][1].float().mean() == pytest.approx(0.5)
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    assert model.backbone.mask_token.grad.abs().sum() > 0


def test_all_kept_frequencies_give_simmims_loss():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    simmim = MODELS.build(dict(TINY, type='SimMIM'))
    simmim.load_state_dict(model.state_dict())
    data = model.data_preprocessor(masked_batch(all_kept=True), True)
    ours = model(**data, mode='loss')['loss']
    theirs = simmim(**data, mode='loss')['loss']
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-4)
