"""mfm_mm.apis.convert_weights / checkpoint on every official format of the spec: each tensor
gets the spec's name with its value, the config's model loads it strictly, and computes the
official model's features (the official forward written out in official_releases.py)."""
import os.path as osp

import mmpretrain
import pytest
import torch

from conftest import REPO
from mfm_mm.apis.convert_weights import from_official, to_classifier
from mfm_mm.engine.runner import load_config
from mfm_mm.apis.checkpoint import load_release
from mfm_mm.apis.checkpoint import UnknownFormat, convert_checkpoint
from helpers.official_releases import (EMBED, FFN, LAYERS, NUM_CLASSES, mae_pretrain,
                                       mfm_vit_pretrain, official_resnet50, official_vit,
                                       official_vit_featmap, official_vit_logits,
                                       resnet50_weights, save_release, vit_weights)

CONFIGS = osp.join(REPO, 'configs')
CLS = osp.join(CONFIGS, 'benchmarks', 'classification')
FINETUNE = osp.join(CLS, 'vit-base-p16_8xb256-coslr-100e_in1k.py')
LINEAR = osp.join(CLS, 'vit-base-p16_8xb2048-linear-coslr-90e_in1k.py')
R50_LINEAR = osp.join(CLS, 'resnet50_8xb128-linear-coslr-90e_in1k.py')
R50_FINETUNE = osp.join(CLS, 'resnet50_8xb256-rsb-a3-100e_in1k.py')
CONMIM = osp.join(CONFIGS, 'conmim', 'benchmarks',
                  'vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py')
FAMT_LINEAR = osp.join(CONFIGS, 'famt',
                       'vit-base-p16_famt-mae-pre_8xb2048-linear-coslr-90e_in1k.py')
MAE_FINETUNE = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'configs', 'mae', 'benchmarks',
                        'vit-base-p16_8xb128-coslr-100e_in1k.py')  # mmpretrain's MAE recipe
SEG = osp.join(CONFIGS, 'benchmarks', 'segmentation')
UPERNET = osp.join(SEG, 'vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py')
UPERNET_R50 = osp.join(SEG, 'resnet50_upernet_4xb4-160k_ade20k-512x512.py')
ARCH = dict(embed_dims=EMBED, num_layers=LAYERS, num_heads=EMBED // 64, feedforward_channels=FFN)
IMG = 32
IMAGES = torch.randn(2, 3, IMG, IMG, generator=torch.Generator().manual_seed(0))
SEG_OPTIONS = {'model.backbone.img_size': (IMG, IMG), 'model.backbone.embed_dims': EMBED,
               'model.backbone.num_layers': LAYERS, 'model.backbone.num_heads': EMBED // 64,
               'model.backbone.mlp_ratio': FFN // EMBED, 'model.backbone.out_indices': [0, 1]}


def build(config: str, options: dict, scope: str = 'mmpretrain', part: str = 'model'):
    """The model (or ``model.<part>``) of ``config`` shrunk by ``options``, in eval mode."""
    from mmengine.registry import MODELS, DefaultScope
    cfg = load_config(config)
    for key, value in options.items():  # assigned, not merged: arch dicts replace arch names
        *parents, last = key.split('.')
        node = cfg
        for parent in parents:
            node = node[parent]
        node[last] = value
    with DefaultScope.overwrite_default_scope(scope):
        model_cfg = cfg.model if part == 'model' else cfg.model[part]
        model_cfg.pop('init_cfg', None)
        model = MODELS.build(model_cfg)
    model.eval()  # (some backbones' train() returns None)
    return model


def classifier_options(**backbone) -> dict:
    options = {'model.backbone.arch': ARCH, 'model.backbone.img_size': IMG,
               'model.head.num_classes': NUM_CLASSES, 'model.head.in_channels': EMBED}
    options.update({f'model.backbone.{key}': value for key, value in backbone.items()})
    return options


def load_strictly(model: torch.nn.Module, weights: dict) -> None:
    result = model.load_state_dict(weights, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def assert_values_unchanged(release, official: dict, renames: dict) -> None:
    """Every official tensor under its spec name (``renames``: official -> mmpretrain)."""
    for old, new in renames.items():
        assert torch.equal(release.backbone[new], official[old]), (old, new)


VIT_RENAMES = {'cls_token': 'cls_token', 'patch_embed.proj.weight': 'patch_embed.projection.weight',
               'blocks.1.norm1.weight': 'layers.1.ln1.weight',
               'blocks.1.norm2.bias': 'layers.1.ln2.bias',
               'blocks.0.attn.qkv.weight': 'layers.0.attn.qkv.weight',
               'blocks.0.attn.proj.bias': 'layers.0.attn.proj.bias',
               'blocks.1.mlp.fc1.weight': 'layers.1.ffn.layers.0.0.weight',
               'blocks.1.mlp.fc2.bias': 'layers.1.ffn.layers.1.bias'}


@pytest.mark.parametrize('full', [True, False], ids=['full-save', 'model-only'])
def test_mfm_vit_pretrain_to_the_linear_probe(tmp_path, full):
    official = mfm_vit_pretrain(IMG)
    path = save_release(str(tmp_path / 'mfm_vit_pretrain.pth'), 'model', official, full)
    release = load_release(path)
    assert release.format.startswith('MFM ViT pre-train (official') and release.official
    assert release.dropped == ['decoder.0.weight', 'decoder.0.bias']
    encoder = {key[len('encoder.'):]: value for key, value in official.items()
               if key.startswith('encoder.')}
    assert len(release.backbone) == len(encoder)  # every encoder tensor mapped
    assert_values_unchanged(release, encoder, dict(VIT_RENAMES, **{
        'blocks.0.attn.q_bias': 'layers.0.attn.q_bias', 'norm.weight': 'ln1.weight',
        'pos_embed': 'pos_embed'}))
    probe = build(LINEAR, {'model.backbone.arch': ARCH, 'model.backbone.img_size': IMG,
                           'model.backbone.frozen_stages': LAYERS}, part='backbone')
    load_strictly(probe, release.backbone)
    with torch.no_grad():
        features = probe(IMAGES)[0]  # (2, 128, 2, 2) after the final norm
    expected = official_vit_featmap(encoder, IMAGES)
    assert features.shape == (2, EMBED, 2, 2)
    assert (features - expected).abs().max() < 1e-5


@pytest.mark.parametrize('config,style,options', [
    (FINETUNE, 'mfm', classifier_options()),
    (CONMIM, 'conmim', classifier_options()),
    (MAE_FINETUNE, 'mae', classifier_options()),
], ids=['mfm', 'conmim', 'mae'])
def test_fine_tuned_vits_give_the_official_logits(tmp_path, config, style, options):
    official = vit_weights(IMG, style, head=True)
    container = 'module' if style == 'conmim' else 'model'  # deepspeed saves of ConMIM
    release = load_release(save_release(str(tmp_path / f'{style}.pth'), container, official, True))
    name = {'mfm': 'MFM ViT fine-tuned', 'conmim': 'ConMIM ViT fine-tuned',
            'mae': 'MAE ViT fine-tuned'}[style]
    assert release.format.startswith(f"{name} (official, weights under '{container}'")
    assert release.family == ('vit' if style == 'mae' else 'beit')
    assert len(release.backbone) + len(release.head) == len(official) and not release.dropped
    assert torch.equal(release.backbone['ln2.weight'], official['fc_norm.weight'])
    assert torch.equal(release.head['fc.weight'], official['head.weight'])
    classifier = build(config, options)
    load_strictly(classifier, to_classifier(release))
    with torch.no_grad():
        logits = classifier(IMAGES, mode='tensor')
    assert logits.shape == (2, NUM_CLASSES)
    assert (logits - official_vit_logits(official, IMAGES)).abs().max() < 1e-5


def test_mae_pretrain_to_the_famt_linear_probe(tmp_path):
    official = mae_pretrain(IMG)
    release = load_release(save_release(str(tmp_path / 'mae.pth'), 'model', official, True))
    assert release.format.startswith('MAE ViT pre-train (official')
    assert sorted(release.dropped) == sorted(key for key in official
                                             if key.startswith(('decoder', 'mask_token')))
    assert torch.equal(release.backbone['layers.0.attn.qkv.bias'],
                       official['blocks.0.attn.qkv.bias'])
    backbone = build(FAMT_LINEAR, {'model.backbone.arch': ARCH, 'model.backbone.img_size': IMG,
                                   'model.backbone.frozen_stages': LAYERS}, part='backbone')
    load_strictly(backbone, release.backbone)
    with torch.no_grad():
        cls_token = backbone(IMAGES)[0]
    tokens = official_vit(official, IMAGES)
    expected = torch.nn.functional.layer_norm(tokens, (EMBED, ), official['norm.weight'],
                                              official['norm.bias'], eps=1e-6)[:, 0]
    assert (cls_token - expected).abs().max() < 1e-5


def test_resnet50_releases(tmp_path):
    pretrain = resnet50_weights(head=False)
    pretrain_file = {f'encoder.{key}': value for key, value in pretrain.items()}
    pretrain_file.update({'decoder.0.weight': torch.zeros(3072, 2048, 1, 1),
                          'decoder.0.bias': torch.zeros(3072)})
    release = load_release(save_release(str(tmp_path / 'mfm_r50.pth'), 'model', pretrain_file,
                                        True))
    assert release.format.startswith('MFM ResNet-50 pre-train (official')
    assert len(release.backbone) == 318 and release.backbone.keys() == pretrain.keys()
    assert release.dropped == ['decoder.0.weight', 'decoder.0.bias']
    backbone = build(R50_LINEAR, {'model.backbone.norm_cfg': dict(type='BN')}, part='backbone')
    load_strictly(backbone, release.backbone)
    images = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        features = backbone(images)[-1]
    assert (features - official_resnet50(pretrain, images)).abs().max() < 1e-4

    timm = resnet50_weights(head=True)
    release = load_release(save_release(str(tmp_path / 'timm_r50.pth'), 'state_dict', timm, True,
                                        extra=dict(arch='resnet50')))
    assert release.format.startswith("timm ResNet-50 fine-tuned (official, weights under "
                                     "'state_dict'")
    classifier = build(R50_FINETUNE, {'model.backbone.norm_cfg': dict(type='BN'),
                                      'model.head.num_classes': NUM_CLASSES})
    load_strictly(classifier, to_classifier(release))
    with torch.no_grad():
        logits = classifier(images, mode='tensor')
    pooled = official_resnet50(timm, images).mean((2, 3))
    expected = torch.nn.functional.linear(pooled, timm['fc.weight'], timm['fc.bias'])
    assert (logits - expected).abs().max() < 1e-4


def test_mmseg_conversions_load_strictly_with_the_official_features(tmp_path):
    from mmseg.models.backbones import BEiT  # noqa: F401  registers mmseg's backbones
    for style, official in (('mfm', mfm_vit_pretrain(IMG)), ('mae', mae_pretrain(IMG))):
        src = save_release(str(tmp_path / f'{style}.pth'), 'model', official, True)
        release, converted = convert_checkpoint(src, str(tmp_path / f'{style}_seg.pth'), 'mmseg',
                                                img_size=IMG)
        encoder = {key.replace('encoder.', '', 1): value for key, value in official.items()}
        qkv_bias = converted['layers.0.attn.qkv.bias']
        if style == 'mfm':  # q and v merged around a zero k part
            assert torch.equal(qkv_bias, torch.cat([encoder['blocks.0.attn.q_bias'],
                                                    torch.zeros(EMBED),
                                                    encoder['blocks.0.attn.v_bias']]))
        else:
            assert torch.equal(qkv_bias, encoder['blocks.0.attn.qkv.bias'])
        assert torch.equal(converted['layers.1.gamma_1'], torch.ones(EMBED))
        assert converted['layers.1.attn.relative_position_bias_table'].abs().sum() == 0
        backbone = build(UPERNET, SEG_OPTIONS, 'mmseg', part='backbone')
        load_strictly(backbone, converted)
        with torch.no_grad():
            features = backbone(IMAGES)[-1]  # last block, after the final norm
        assert (features - official_vit_featmap(encoder, IMAGES)).abs().max() < 1e-5

    # the recipe's 512 crop: the 2 x 2 grid of the position embedding resized to 32 x 32
    release, large = convert_checkpoint(src, str(tmp_path / 'seg512.pth'), 'mmseg', img_size=512)
    assert large['pos_embed'].shape == (1, 1 + 32 * 32, EMBED)
    assert torch.equal(large['pos_embed'][:, 0], official['pos_embed'][:, 0])
    load_strictly(build(UPERNET, dict(SEG_OPTIONS, **{'model.backbone.img_size': (512, 512)}),
                        'mmseg', part='backbone'), large)

    r50 = save_release(str(tmp_path / 'r50.pth'), 'model', {
        f'encoder.{key}': value for key, value in resnet50_weights(head=False).items()}, False)
    _, converted = convert_checkpoint(r50, str(tmp_path / 'r50_seg.pth'), 'mmseg')
    load_strictly(build(UPERNET_R50, {'model.backbone.norm_cfg': dict(type='BN')}, 'mmseg',
                        part='backbone'), converted)


@pytest.mark.parametrize('style,message', [
    ('conmim', 'a ConMIM ViT: its UperNet config'),
    ('mfm', 'a fine-tuned ViT, without the final norm'),
])
def test_mmseg_refuses_what_its_configs_cannot_use(tmp_path, style, message):
    src = save_release(str(tmp_path / 'ft.pth'), 'model', vit_weights(IMG, style, True), False)
    dst = tmp_path / 'seg.pth'
    with pytest.raises(ValueError, match=message) as error:
        convert_checkpoint(src, str(dst), 'mmseg')
    assert src in str(error.value) and not dst.exists()


def test_shared_relative_position_bias_goes_into_every_block():
    official = vit_weights(IMG, 'conmim', head=False)
    table = official.pop('blocks.0.attn.relative_position_bias_table')
    index = official.pop('blocks.0.attn.relative_position_index')
    del official['blocks.1.attn.relative_position_bias_table']
    del official['blocks.1.attn.relative_position_index']
    official.update({'rel_pos_bias.relative_position_bias_table': table,
                     'rel_pos_bias.relative_position_index': index})
    release = from_official(official, "'model'")
    for layer in range(LAYERS):
        assert torch.equal(release.backbone[f'layers.{layer}.attn.relative_position_bias_table'],
                           table)
        assert torch.equal(release.backbone[f'layers.{layer}.attn.relative_position_index'], index)
    assert not any(key.startswith('rel_pos_bias') for key in release.backbone)


def test_unknown_tensors_and_formats_are_errors(tmp_path):
    official = vit_weights(IMG, 'mfm', head=True)
    official['blocks.0.attn.extra_scale'] = torch.ones(1)
    path = save_release(str(tmp_path / 'odd.pth'), 'model', official, False)
    with pytest.raises(UnknownFormat, match=r'odd\.pth .*blocks\.0\.attn\.extra_scale \(MFM ViT '
                                            r'fine-tuned format\) has no mmpretrain name'):
        load_release(path)
    other = str(tmp_path / 'detector.pth')
    torch.save({'state_dict': {'roi_head.fc.weight': torch.zeros(2, 2)}}, other)
    with pytest.raises(UnknownFormat, match='top-level names: state_dict'):
        load_release(other)
