"""get_model / load_pretrained: training checkpoints (any torch), converted files, releases."""
import pytest
import torch
from mmengine.logging import HistoryBuffer

from helpers.official_releases import (EMBED, FFN, HEADS, LAYERS, PATCH, mfm_vit_pretrain,
                                       official_vit_featmap, save_release)
from mfm_mm.apis import get_model

DEMO = 'mfm_vit-4l-p7_cpu-demo_28px'
# the demo config at the official helpers' sizes, so their releases fit it
RELEASE_SIZES = dict(
    backbone=dict(arch=dict(embed_dims=EMBED, num_layers=LAYERS, num_heads=HEADS,
                            feedforward_channels=FFN), img_size=32, patch_size=PATCH),
    neck=dict(in_channels=EMBED, encoder_stride=PATCH))


def _training_checkpoint(model, path) -> dict:
    """A checkpoint as mmengine's CheckpointHook writes it (HistoryBuffer in message_hub)."""
    weights = {key: torch.randn_like(value) if value.is_floating_point() else value
               for key, value in model.state_dict().items()}
    torch.save(dict(meta=dict(epoch=3), state_dict=weights,
                    message_hub=dict(log_scalars={'train/loss': HistoryBuffer([0.5], [1])})),
               path)
    return weights


def test_training_checkpoint_loads_where_torch_load_refuses_it(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    weights = _training_checkpoint(get_model(DEMO), path)
    if tuple(int(v) for v in torch.__version__.split('.')[:2]) >= (2, 6):
        with pytest.raises(Exception, match='Weights only load failed'):
            torch.load(path)
    model = get_model(DEMO, pretrained=path)
    assert torch.equal(model.backbone.pos_embed, weights['backbone.pos_embed'])
    assert torch.equal(model.neck.decoder[0].weight, weights['neck.decoder.0.weight'])
    assert model.pretrained_summary == (f'{path}: loaded 60 of 60 tensors (its names), 0 of '
                                        'the file unused; 0 at their initial values')
    assert not model.training


def test_official_release_is_renamed_and_computes_the_official_features(tmp_path):
    release = mfm_vit_pretrain(32)
    path = save_release(str(tmp_path / 'mfm_pretrain_vit_base.pth'), 'model', release, True)
    model = get_model(DEMO, pretrained=path, **RELEASE_SIZES)
    images = torch.randn(2, 3, 32, 32)
    features = model.extract_feat(images)[0]
    encoder = {key[len('encoder.'):]: value for key, value in release.items()
               if key.startswith('encoder.')}
    assert torch.allclose(features, official_vit_featmap(encoder, images), atol=1e-5)
    assert 'MFM ViT pre-train (official' in model.pretrained_summary
    assert model.pretrained_summary.endswith('at their initial values (first: neck.decoder.0.bias, '
                                             'neck.decoder.0.weight)')


def test_converted_backbone_file_loads_the_backbone_only(tmp_path):
    weights = {f'backbone.{key}': value.clone() + 1
               for key, value in get_model(DEMO).backbone.state_dict().items()}
    path = str(tmp_path / 'backbone.pth')
    torch.save(dict(state_dict=weights, meta={}), path)
    model = get_model(DEMO, pretrained=path)
    assert torch.equal(model.backbone.cls_token, weights['backbone.cls_token'])
    assert '58 of 60 tensors (its names)' in model.pretrained_summary


def test_a_file_of_another_model_is_refused_naming_it(tmp_path):
    path = str(tmp_path / 'other.pth')
    _training_checkpoint(get_model(DEMO, backbone=dict(img_size=56)), path)
    with pytest.raises(ValueError, match=r'other.pth: 1 tensors differ in shape .*pos_embed'):
        get_model(DEMO, pretrained=path)


def test_pretrained_true_and_mmseg_configs_are_refused():
    with pytest.raises(ValueError, match='releases no weights'):
        get_model(DEMO, pretrained=True)
    with pytest.raises(ValueError, match='mmseg config: build it with mmseg.apis.init_model'):
        get_model('vit-base-p16_mfm-pre_upernet_8xb2-amp-160k_ade20k-512x512')
