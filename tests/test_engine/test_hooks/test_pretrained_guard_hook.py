"""PretrainedGuardHook: weights that leave parameters unset stop the run before any load."""
import types

import pytest
import torch
from mmengine.runner import EpochBasedTrainLoop

from helpers.official_releases import EMBED, FFN, LAYERS, mfm_vit_pretrain, save_release
from mfm_mm.engine.hooks import PretrainedGuardHook
from mfm_mm.engine.hooks.pretrained_guard_hook import unset_parameters
from mfm_mm.apis.convert_weights import from_official, to_classifier, to_mmseg

ARCH = dict(embed_dims=EMBED, num_layers=LAYERS, num_heads=EMBED // 64, feedforward_channels=FFN)
IMG = 32


class Classifier(torch.nn.Module):
    """Stands for an ImageClassifier: a backbone whose init_cfg is Pretrained, and a head."""

    def __init__(self, checkpoint: str, prefix: str = 'backbone.', **backbone) -> None:
        super().__init__()
        from mmpretrain.models import BEiTViT
        self.backbone = BEiTViT(arch=ARCH, img_size=IMG, use_abs_pos_emb=True,
                                use_rel_pos_bias=False, layer_scale_init_value=0.0,
                                init_cfg=dict(type='Pretrained', checkpoint=checkpoint,
                                              prefix=prefix), **backbone)
        self.head = torch.nn.Linear(EMBED, 10)


def fake_runner(model, load_from=None, resume=False, training=True, scope='mmpretrain'):
    """What the hook reads of a runner; a built train loop only when training."""
    loop = (EpochBasedTrainLoop.__new__(EpochBasedTrainLoop) if training else
            dict(type='EpochBasedTrainLoop'))
    return types.SimpleNamespace(model=model, _load_from=load_from, _resume=resume,
                                 cfg=dict(default_scope=scope), _train_loop=loop)


@pytest.fixture(scope='module')
def official(tmp_path_factory):
    """An unconverted MFM ViT release and its conversion for mmpretrain."""
    folder = tmp_path_factory.mktemp('guard')
    weights = mfm_vit_pretrain(IMG)
    path = save_release(str(folder / 'mfm_vit.pth'), 'model', weights, full=True)
    converted = str(folder / 'converted.pth')
    release = from_official(weights, "'model'")
    torch.save({'state_dict': to_classifier(release)}, converted)
    return path, converted, release


def test_an_unconverted_release_stops_the_run_with_the_converter_to_run(official):
    path, _, _ = official
    model = Classifier(path)
    before = model.backbone.cls_token.clone()
    with pytest.raises(RuntimeError) as error:
        PretrainedGuardHook().before_run(fake_runner(model))
    message = str(error.value)
    total = sum(1 for _ in model.backbone.parameters())
    assert message.startswith(f'{path} leaves {total} of {total} parameters of model.backbone '
                              '(BEiTViT) unset: backbone.cls_token, backbone.pos_embed, '
                              'backbone.patch_embed.projection.weight')
    assert f'python tools/model_converters/mfm2mmpretrain.py {path} OUT' in message
    assert torch.equal(model.backbone.cls_token, before)  # checked before anything loads


def test_the_converted_file_passes_and_intended_gaps_are_allowed(official):
    _, converted, _ = official
    PretrainedGuardHook().before_run(fake_runner(Classifier(converted, final_norm=True,
                                                             out_type='featmap')))
    # fine-tuning: mean pooling with a new norm (ln2), the pre-training's ln1 unused
    finetune = Classifier(converted, final_norm=False, out_type='avg_featmap')
    with pytest.raises(RuntimeError, match=r'leaves 2 of 32 parameters .*unset: '
                                           r'backbone\.ln2\.weight, backbone\.ln2\.bias\.'):
        PretrainedGuardHook().before_run(fake_runner(finetune))
    PretrainedGuardHook(allowed_missing=['backbone.ln2.*']).before_run(fake_runner(finetune))


def test_mmseg_mae_that_loads_nothing_silently_is_stopped(official):
    from mmseg.models.backbones import MAE
    path, _, release = official
    backbone = MAE(img_size=(IMG, IMG), embed_dims=EMBED, num_layers=LAYERS, num_heads=2,
                   mlp_ratio=2, final_norm=True, init_cfg=dict(type='Pretrained', checkpoint=path))
    model = torch.nn.Module()
    model.backbone = backbone
    with pytest.raises(RuntimeError, match=r'parameters of model\.backbone \(MAE\) unset') as error:
        PretrainedGuardHook().before_run(fake_runner(model, scope='mmseg'))
    assert 'mfm2mmseg.py' in str(error.value) and '--img-size' in str(error.value)
    assert unset_parameters(backbone, to_mmseg(release.backbone, img_size=IMG)) == []


def test_load_from_another_architecture_is_an_error(official, tmp_path):
    path, converted, _ = official
    small = Classifier(converted, out_type='featmap')
    wide = {key: torch.zeros(*value.shape[:-1], 2 * value.shape[-1])
            for key, value in small.state_dict().items()}  # other widths, same names
    other = str(tmp_path / 'vit-wide.pth')
    torch.save({'state_dict': wide}, other)
    with pytest.raises(RuntimeError, match=r'vit-wide\.pth leaves \d+ of \d+ parameters of the '
                                           r'model \(Classifier\) unset: backbone\.cls_token'):
        PretrainedGuardHook().before_run(fake_runner(small, load_from=other))
    fitting = str(tmp_path / 'vit-same.pth')
    torch.save({'state_dict': small.state_dict()}, fitting)
    PretrainedGuardHook().before_run(fake_runner(small, load_from=fitting))


def test_tests_and_resumes_are_not_checked_for_init_cfg(official):
    path, _, _ = official
    PretrainedGuardHook().before_run(fake_runner(Classifier(path), training=False))
    PretrainedGuardHook().before_run(fake_runner(Classifier(path), resume=True))


def test_a_shared_relative_position_table_sets_every_block():
    from mmpretrain.models import BEiTViT
    backbone = BEiTViT(arch=ARCH, img_size=IMG, use_abs_pos_emb=False, use_rel_pos_bias=True,
                       layer_scale_init_value=0.1)
    state = dict(backbone.state_dict())
    table = state.pop('layers.0.attn.relative_position_bias_table')
    state.pop('layers.1.attn.relative_position_bias_table')
    assert unset_parameters(backbone, state) == ['layers.0.attn.relative_position_bias_table',
                                                 'layers.1.attn.relative_position_bias_table']
    state['rel_pos_bias.relative_position_bias_table'] = table
    assert unset_parameters(backbone, state) == []


def test_allowed_missing_must_be_patterns():
    with pytest.raises(TypeError, match='allowed_missing must be a list of name patterns'):
        PretrainedGuardHook(allowed_missing='backbone.ln2.*')
