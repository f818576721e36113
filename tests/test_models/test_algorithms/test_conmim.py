"""ConMIM: student/teacher wiring, the EMA update and the momentum schedule."""
import copy
import math

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

SIZE, PATCH = 64, 16  # a 4 x 4 patch grid


def tiny_conmim(**kwargs):
    init_default_scope('mmpretrain')
    torch.manual_seed(0)  # the same initial weights whatever ran before
    cfg = dict(
        type='ConMIM',
        backbone=dict(
            type='BEiTPretrainViT',
            arch=dict(embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64),
            img_size=SIZE, patch_size=PATCH, layer_scale_init_value=0.1),
        neck=dict(type='NonLinearNeck', in_channels=32, hid_channels=64, out_channels=16,
                  num_layers=3, with_avg_pool=False, with_last_bn_affine=False,
                  norm_cfg=dict(type='BN1d')),
        head=dict(type='MIMHead', loss=dict(type='PatchInfoNCELoss', temperature=0.1)),
        **kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def batch(num_images=4, grid=SIZE // PATCH, seed=0):
    gen = torch.Generator().manual_seed(seed)
    weak = torch.randn(num_images, 3, SIZE, SIZE, generator=gen)
    strong = weak + 0.5 * torch.randn(weak.shape, generator=gen)
    samples = []
    for _ in range(num_images):
        mask = torch.zeros(grid * grid, dtype=torch.long)
        mask[torch.randperm(grid * grid, generator=gen)[:int(0.75 * grid * grid)]] = 1
        samples.append(DataSample().set_mask(mask.view(grid, grid)))
    return [weak, strong], samples


@pytest.fixture(autouse=True)
def max_iters():
    """What mmengine's RuntimeInfoHook publishes for CosineEMA."""
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 10)
    yield 10


def test_loss_is_finite_and_starts_near_log_n():
    model = tiny_conmim()
    inputs, samples = batch()
    loss = model.loss(inputs, samples)['loss']
    # at init the teacher equals the student and the views differ: near chance, log(16);
    # with tau = 0.1 random features spread the logits over +-10, so seeds 0-5 give 5.1-6.0
    assert torch.isfinite(loss) and 0.5 * math.log(16) < loss.item() < 2.5 * math.log(16)
    assert model.extract_feat(inputs[0])[0].shape == (4, 1 + 16, 32)


def test_teacher_gets_no_gradient_and_starts_as_the_student():
    model = tiny_conmim()
    inputs, samples = batch()
    model.loss(inputs, samples)['loss'].backward()
    teacher = dict(model.teacher.module.named_parameters())
    for name, param in model.student().named_parameters():
        assert not teacher[name].requires_grad and teacher[name].grad is None
        assert torch.equal(teacher[name], param)  # step 0 copies the student
    assert model.backbone.mask_token.grad.abs().sum() > 0
    assert model.backbone.layers[0].attn.proj.weight.grad.abs().sum() > 0
    assert model.teacher.steps.item() == 1


def test_teacher_follows_the_ema_formula_for_one_step(max_iters):
    model = tiny_conmim()
    inputs, samples = batch()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    model.loss(inputs, samples)['loss'].backward()  # step 0: teacher := student
    optimizer.step()
    before = {k: v.clone() for k, v in model.teacher.module.named_parameters()}
    student = {k: v.detach().clone() for k, v in model.student().named_parameters()}
    assert any(not torch.equal(before[k], student[k]) for k in before)

    model.loss(inputs, samples)  # step 1
    momentum = 1 - 0.004 * (math.cos(math.pi * 1 / max_iters) + 1) / 2
    for name, param in model.teacher.module.named_parameters():
        expected = momentum * before[name] + (1 - momentum) * student[name]
        # the EMA's fp32 operation order may round one ulp differently (2**-23 relative)
        torch.testing.assert_close(param, expected, rtol=2**-23, atol=1e-7)
    assert model.teacher.steps.item() == 2


def measured_momentum(model, step: int) -> float:
    """The teacher momentum the model applies at ``step``: teacher 0, student 1 -> 1 - m."""
    probe = copy.deepcopy(model)
    probe.teacher.steps.fill_(step)
    for param in probe.teacher.module.parameters():
        param.data.zero_()
    for param in probe.student().parameters():
        param.data.fill_(1.)
    probe.teacher.update_parameters(probe.student())
    values = torch.cat([p.flatten() for p in probe.teacher.module.parameters()])
    assert torch.allclose(values, values[0])
    return 1. - values[0].item()


def test_momentum_schedule_endpoints():
    MessageHub.get_current_instance().update_info('max_iters', 1000)
    model = tiny_conmim()
    assert measured_momentum(model, 1) == pytest.approx(0.996, abs=1e-7)
    assert measured_momentum(model, 500) == pytest.approx(0.998, abs=1e-7)
    assert measured_momentum(model, 1000) == 1.0
    other = tiny_conmim(momentum=0.99, end_momentum=0.999)
    assert measured_momentum(other, 1) == pytest.approx(0.99, abs=1e-6)
    assert measured_momentum(other, 1000) == pytest.approx(0.999, abs=1e-7)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r'momentum must be a number in \[0.0, 1.0\]'):
        tiny_conmim(momentum=1.5)
    model = tiny_conmim()
    inputs, samples = batch()
    with pytest.raises(ValueError, match='two views'):
        model.loss(inputs[0], samples)
    _, wrong = batch(grid=2)
    with pytest.raises(ValueError, match="mask generator's input_size"):
        model.loss(inputs, wrong)
