"""tools/model_converters/conmim_teacher_to_backbone.py: teacher weights -> fine-tuning."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope, init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from conftest import PYTHON, REPO, run_script, run_tool
from mfm_mm.engine.runner import adapt_to_cpu

TOOL = 'tools/model_converters/conmim_teacher_to_backbone.py'
CONFIGS = osp.join(REPO, 'configs', 'conmim')
ARCH = dict(embed_dims=64, num_layers=4, num_heads=2, feedforward_channels=128)


@pytest.fixture(scope='module')
def conmim_checkpoint(tmp_path_factory):
    """A ConMIM training checkpoint (weights + mmengine message hub) whose teacher != student."""
    cfg = Config.fromfile(osp.join(CONFIGS, 'conmim_vit-s_300e.py'))
    init_default_scope('mmpretrain')
    cfg.model.backbone.update(arch=ARCH, img_size=64)
    cfg.model.neck.update(in_channels=64, hid_channels=128, out_channels=32)
    model = MODELS.build(cfg.model)
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 10)
    views = [torch.randn(4, 3, 64, 64)] * 2
    samples = [DataSample().set_mask(torch.randint(0, 2, (4, 4))) for _ in range(4)]
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    for _ in range(2):
        model.loss(views, samples)['loss'].backward()
        optimizer.step()
    hub.update_scalar('train/loss', 1.0)
    path = str(tmp_path_factory.mktemp('conmim') / 'epoch_1.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict=model.state_dict(),
                    message_hub=hub.state_dict()), path)
    return path, model.state_dict()


def test_extracts_the_teacher_and_fine_tuning_loads_it(conmim_checkpoint, tmp_path):
    src, state = conmim_checkpoint
    dst = str(tmp_path / 'teacher_backbone.pth')
    out = run_tool([PYTHON, TOOL, src, dst])
    assert 'teacher backbone tensors' in out.stdout
    weights = torch.load(dst, weights_only=True)['state_dict']
    teacher = {k[len('teacher.module.'):]: v for k, v in state.items()
               if k.startswith('teacher.module.backbone.')}
    assert weights.keys() == teacher.keys()
    name = 'backbone.patch_embed.projection.weight'
    assert torch.equal(weights[name], teacher[name]) and not torch.equal(weights[name], state[name])

    cfg = Config.fromfile(osp.join(CONFIGS, 'benchmarks',
                                   'vit-base-p16_conmim-pre_8xb128-coslr-100e_in1k.py'))
    init_default_scope(cfg.default_scope)
    cfg.model.backbone.update(arch=ARCH, img_size=64)
    cfg.model.backbone.init_cfg.checkpoint = dst
    cfg.model.head.in_channels = 64
    classifier = MODELS.build(cfg.model)
    classifier.init_weights()
    backbone = classifier.backbone
    assert torch.equal(backbone.patch_embed.projection.weight, weights[name])
    shared = weights['backbone.rel_pos_bias.relative_position_bias_table']
    for layer in backbone.layers:  # the shared bias is copied into every block
        assert torch.equal(layer.attn.relative_position_bias_table, shared)
    assert torch.equal(backbone.layers[1].gamma_1, weights['backbone.layers.1.gamma_1'])

    adapt_to_cpu(cfg, distributed=False)
    lrs = sorted({group['lr'] for group in build_optim_wrapper(classifier,
                                                                 cfg.optim_wrapper).param_groups})
    # 4 blocks -> depths 0..5: patch embedding 4e-3 * 0.65^5, head 4e-3
    assert lrs[0] == pytest.approx(4e-3 * 0.65**5) and lrs[-1] == pytest.approx(4e-3)


def build_segmentor(dst: str, img_size: int):
    """The ADE20K config's segmentor with a 4-block backbone loading ``dst``."""
    cfg = Config.fromfile(osp.join(
        CONFIGS, 'benchmarks', 'vit-base-p16_conmim-pre_upernet_8xb2-amp-160k_ade20k-512x512.py'))
    from mmseg.registry import MODELS as SEG_MODELS
    cfg.model.backbone.update(arch=ARCH, img_size=img_size, out_indices=(0, 1, 2, 3),
                              init_cfg=dict(type='Pretrained', checkpoint=dst, prefix='backbone.'))
    cfg.model.neck.embed_dim = 64
    cfg.model.decode_head.update(in_channels=[64] * 4, channels=32)
    cfg.model.auxiliary_head.in_channels = 64
    cfg.optim_wrapper.paramwise_cfg.num_layers = 4
    adapt_to_cpu(cfg, distributed=False)
    with DefaultScope.overwrite_default_scope('mmseg'):
        segmentor = SEG_MODELS.build(cfg.model)
        segmentor.init_weights()
    return segmentor, cfg


@pytest.fixture(scope='module')
def teacher_backbone(conmim_checkpoint, tmp_path_factory):
    dst = str(tmp_path_factory.mktemp('converted') / 'teacher_backbone.pth')
    assert run_script(TOOL, conmim_checkpoint[0], dst).returncode == 0
    return dst


def test_ade20k_config_loads_the_teacher(teacher_backbone):
    shared = torch.load(teacher_backbone, weights_only=True)['state_dict'][
        'backbone.rel_pos_bias.relative_position_bias_table']  # 4 x 4 grid: 7 * 7 + 3 rows
    segmentor, cfg = build_segmentor(teacher_backbone, img_size=64)
    for layer in segmentor.backbone.layers:
        assert torch.equal(layer.attn.relative_position_bias_table, shared)
    features = segmentor.extract_feat(torch.zeros(1, 3, 64, 64))
    assert [f.shape[-1] for f in features] == [16, 8, 4, 2]  # Feature2Pyramid x4, x2, x1, x0.5
    with DefaultScope.overwrite_default_scope('mmseg'):
        groups = build_optim_wrapper(segmentor, cfg.optim_wrapper).param_groups
    lrs = sorted({group['lr'] for group in groups})
    # mmseg's layer-wise decay knows BEiTViT: patch embedding 7e-4 * 0.65^5, heads 7e-4
    assert lrs[0] == pytest.approx(7e-4 * 0.65**5) and lrs[-1] == pytest.approx(7e-4)


def test_ade20k_config_resizes_the_relative_position_bias(teacher_backbone):
    segmentor, _ = build_segmentor(teacher_backbone, img_size=128)  # 4 x 4 -> 8 x 8 grid
    table = segmentor.backbone.layers[1].attn.relative_position_bias_table
    assert table.shape == (15 * 15 + 3, 2)


@pytest.mark.parametrize('make_src, message', [
    (lambda tmp: osp.join(REPO, 'README.md'), 'is not a PyTorch checkpoint'),
    (lambda tmp: str(tmp / 'missing.pth'), 'checkpoint not found'),
    ('backbone_only', 'no key starts with "teacher.module.backbone."'),
])
def test_bad_sources_get_a_clear_error(make_src, message, tmp_path):
    if make_src == 'backbone_only':
        src = str(tmp_path / 'mfm.pth')
        torch.save(dict(state_dict={'backbone.cls_token': torch.zeros(1, 1, 8)}), src)
    else:
        src = make_src(tmp_path)
    proc = run_script(TOOL, src, str(tmp_path / 'out.pth'))
    assert proc.returncode != 0
    assert message in proc.stderr and 'Traceback' not in proc.stderr
    assert not osp.exists(tmp_path / 'out.pth')
