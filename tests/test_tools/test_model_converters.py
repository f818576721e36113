"""tools/model_converters/mfm2*.py: a freshly pre-trained MFM checkpoint into the classifier
and the mmseg backbone, without missing or unexpected keys and with identical features."""
import os
import os.path as osp
import pickle
import subprocess

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from conftest import PYTHON, REPO, run_script, run_tool
from helpers.official_releases import mfm_vit_pretrain, save_release
from mfm_mm.demo import COIN_CLASSES, DIGIT_CLASSES, classification_options, segmentation_options
from mfm_mm.apis.checkpoint import load_backbone_weights
from mfm_mm.engine.runner import load_config
from mfm_mm.apis.convert_weights import vit_arch
from tiny_mfm import pretrained_tiny_mfm

BENCHMARKS = osp.join(REPO, 'configs', 'benchmarks')
FINETUNE = osp.join(BENCHMARKS, 'classification', 'vit-base-p16_8xb256-coslr-100e_in1k.py')
LINEAR = osp.join(BENCHMARKS, 'classification', 'vit-base-p16_8xb2048-linear-coslr-90e_in1k.py')
UPERNET = osp.join(BENCHMARKS, 'segmentation', 'vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py')
UPERNET_R50 = osp.join(BENCHMARKS, 'segmentation', 'resnet50_upernet_4xb4-160k_ade20k-512x512.py')


@pytest.fixture(scope='module')
def mfm_checkpoint(tiny_imagenet, tmp_path_factory) -> str:
    return pretrained_tiny_mfm(tiny_imagenet, str(tmp_path_factory.mktemp('tiny_mfm')))


def run_converter(tool: str, *args: str) -> subprocess.CompletedProcess:
    """``tools/model_converters/<tool>.py ARGS`` in this process."""
    return run_script(f'tools/model_converters/{tool}.py', *args)


def convert(tool: str, src: str, dst: str, *args: str) -> dict:
    """Runs a converter and returns the written state dict (a plain weights-only load)."""
    proc = run_converter(tool, src, dst, *args)
    assert proc.returncode == 0, proc.stderr
    return torch.load(dst, map_location='cpu', weights_only=True)['state_dict']


def build(config: str, options: dict, scope: str) -> torch.nn.Module:
    """Builds the model of ``config`` shrunk by ``options`` in ``scope``'s registries."""
    cfg = load_config(config, cfg_options=options)
    with DefaultScope.overwrite_default_scope(scope):
        from mmengine.registry import MODELS
        return MODELS.build(cfg.model)


def without_prefix(state_dict: dict, prefix: str = 'backbone.') -> dict:
    return {key[len(prefix):]: value for key, value in state_dict.items()
            if key.startswith(prefix)}


def test_classifier_loads_the_mmpretrain_conversion(mfm_checkpoint, tmp_path):
    source = load_backbone_weights(mfm_checkpoint)
    converted = convert('mfm2mmpretrain', mfm_checkpoint, str(tmp_path / 'cls.pth'))
    assert set(converted) == {f'backbone.{key}' for key in source}  # decoder and head dropped
    arch = vit_arch(source)
    assert arch == dict(embed_dims=192, num_layers=6, num_heads=3, feedforward_channels=768)

    # Linear probing keeps the pre-trained encoder as it is: every key matches.
    options = classification_options('data', DIGIT_CLASSES, arch, str(tmp_path / 'cls.pth'))
    probe_options = {key: value for key, value in options.items()
                     if key.startswith('model.backbone')}
    probe = build(LINEAR, dict(probe_options, **{'model.backbone.frozen_stages': 6}),
                  'mmpretrain')
    assert [name for name, p in probe.named_parameters() if p.requires_grad] == [
        'head.layers.head.weight', 'head.layers.head.bias']
    result = probe.backbone.load_state_dict(without_prefix(converted), strict=True)
    assert not result.missing_keys and not result.unexpected_keys

    # Fine-tuning: MAE/BEiT protocol, mean pooling with a new norm (ln2) instead of the
    # pre-training's final norm (ln1); everything else loads through init_cfg unchanged.
    model = build(FINETUNE, options, 'mmpretrain')
    result = model.backbone.load_state_dict(without_prefix(converted), strict=False)
    assert sorted(result.missing_keys) == ['ln2.bias', 'ln2.weight']
    assert sorted(result.unexpected_keys) == ['ln1.bias', 'ln1.weight']
    model = build(FINETUNE, options, 'mmpretrain')
    model.init_weights()  # init_cfg=dict(type='Pretrained', prefix='backbone.')
    loaded = model.backbone.state_dict()
    shared = [key for key in source if key in loaded]
    assert len(shared) == len(source) - 2
    for key in shared:
        assert torch.equal(loaded[key], source[key]), key


def test_mmseg_backbone_loads_the_mmseg_conversion(mfm_checkpoint, tmp_path):
    source = load_backbone_weights(mfm_checkpoint)
    arch = vit_arch(source)
    converted = convert('mfm2mmseg', mfm_checkpoint, str(tmp_path / 'seg.pth'), '--img-size', '64')
    options = segmentation_options('data', COIN_CLASSES, arch, str(tmp_path / 'seg.pth'),
                                   crop=64, out_indices=[1, 2, 3, 5])
    segmentor = build(UPERNET, options, 'mmseg')
    assert type(segmentor.backbone).__name__ == 'MAE'
    result = segmentor.backbone.load_state_dict(converted, strict=True)
    assert not result.missing_keys and not result.unexpected_keys

    # The converted mmseg backbone computes exactly the pre-trained encoder's features.
    from mmpretrain.models import BEiTViT
    encoder = BEiTViT(arch=arch, img_size=64, out_indices=(1, 2, 3, 5), out_type='featmap',
                      final_norm=True, use_abs_pos_emb=True, use_rel_pos_bias=False,
                      layer_scale_init_value=0.0)
    encoder.load_state_dict(source, strict=True)
    images = torch.randn(2, 3, 64, 64)
    encoder.eval()
    segmentor.backbone.eval()
    with torch.no_grad():
        expected = encoder(images)
        features = segmentor.backbone(images)
    assert [tuple(f.shape) for f in features] == [(2, 192, 4, 4)] * 4
    for got, want in zip(features, expected):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)

    # The recipe's 512 crop: the position embedding is interpolated from 4 x 4 to 32 x 32.
    large = convert('mfm2mmseg', mfm_checkpoint, str(tmp_path / 'seg512.pth'))
    assert large['pos_embed'].shape == (1, 1 + 32 * 32, 192)
    torch.testing.assert_close(large['pos_embed'][:, 0], source['pos_embed'][:, 0])
    assert large['layers.0.attn.relative_position_bias_table'].abs().sum() == 0
    assert torch.equal(large['layers.0.attn.qkv.bias'][:192], source['layers.0.attn.q_bias'])
    assert large['layers.0.attn.qkv.bias'][192:384].abs().sum() == 0


def test_resnet_weights_load_into_mmseg_resnet(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'mfm_resnet50_300e.py'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        from mmpretrain.registry import MODELS
        mfm = MODELS.build(cfg.model)
    src = str(tmp_path / 'mfm_r50.pth')
    torch.save({'state_dict': mfm.state_dict()}, src)
    converted = convert('mfm2mmseg', src, str(tmp_path / 'r50_seg.pth'))
    segmentor = build(UPERNET_R50, {}, 'mmseg')
    result = segmentor.backbone.load_state_dict(converted, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def test_bad_sources_get_a_clear_error(tmp_path):
    not_a_checkpoint = tmp_path / 'notes.pth'
    not_a_checkpoint.write_text('not a checkpoint')
    no_backbone = tmp_path / 'head_only.pth'
    torch.save({'state_dict': {'head.fc.weight': torch.zeros(2, 2)}}, no_backbone)
    cases = {str(tmp_path / 'missing.pth'): 'checkpoint not found',
             str(not_a_checkpoint): 'is not a PyTorch checkpoint',
             str(no_backbone): 'has no backbone weights'}
    for src, message in cases.items():
        with pytest.raises((FileNotFoundError, ValueError), match=message) as error:
            load_backbone_weights(src)
        assert src in str(error.value)
    for tool in ('mfm2mmpretrain', 'mfm2mmseg'):
        proc = run_converter(tool, str(not_a_checkpoint), str(tmp_path / 'out.pth'))
        assert proc.returncode != 0
        assert f'{tool}: {not_a_checkpoint} is not a PyTorch checkpoint' in proc.stderr
        assert 'Traceback' not in proc.stderr
    assert not (tmp_path / 'out.pth').exists()


@pytest.mark.slow
def test_official_releases_print_the_format_and_counts(tmp_path):
    src = save_release(str(tmp_path / 'mfm_vit_b.pth'), 'model', mfm_vit_pretrain(32), full=True)
    # mmseg: q/v biases merge (32 - 2 x 2), layer scale and relative position bias added (+ 8)
    for tool, written in (('mfm2mmpretrain', 32), ('mfm2mmseg', 38)):
        dst = str(tmp_path / f'{tool}.pth')
        out = run_tool([PYTHON, f'tools/model_converters/{tool}.py', src, dst, '--img-size', '32']
                       if tool == 'mfm2mmseg' else
                       [PYTHON, f'tools/model_converters/{tool}.py', src, dst]).stdout
        assert out.splitlines() == [
            "detected: MFM ViT pre-train (official, weights under 'model' of a full save "
            "(args, config, epoch, model, optimizer))",
            f'mapped 32 tensors, dropped 2 (decoder.0.weight, decoder.0.bias); wrote {written} '
            f'tensors to {dst}']
        assert len(torch.load(dst, weights_only=True)['state_dict']) == written


class Payload:
    def __reduce__(self):
        return os.system, ('touch PWNED',)


def test_non_checkpoints_and_bad_outputs_get_one_line(tmp_path, monkeypatch):
    old_pickle = tmp_path / 'old.pth'
    with open(old_pickle, 'wb') as f:
        pickle.dump({'model': Payload()}, f)
    src = save_release(str(tmp_path / 'ok.pth'), 'model', mfm_vit_pretrain(32), full=False)
    cases = [((str(old_pickle), str(tmp_path / 'a.pth')),
              f'refused to load {old_pickle}: it would run posix.system while unpickling'),
             ((src, str(tmp_path)), f'output {tmp_path} is a directory: give a file name'),
             ((src, str(tmp_path / 'ok.pth' / 'x.pth')), f'{tmp_path / "ok.pth"} is a file')]
    monkeypatch.chdir(tmp_path)  # where the payload's `touch PWNED` would land
    for tool, tool_cases in (('mfm2mmpretrain', cases), ('mfm2mmseg', cases[1:2])):
        for args, message in tool_cases:
            proc = run_converter(tool, *args)
            assert proc.returncode != 0 and 'Traceback' not in proc.stderr
            error, = [line for line in proc.stderr.splitlines() if line.startswith(f'{tool}: ')]
            assert message in error and 'weights_only' not in proc.stderr
    assert not (tmp_path / 'PWNED').exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ok.pth', 'old.pth']
