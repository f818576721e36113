"""WarmupCosineLR against the closed forms of timm 0.4.12, the BEiT code and the MAE code."""
import math

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.optim.scheduler.param_scheduler import INF

from mfm_mm.engine.schedulers import WarmupCosineLR, lr_curve

LR, EPOCH_LENGTH, EPOCHS, WARMUP = 1.2e-3, 7, 30, 3
SCALES = (1.0, 0.5)  # two groups, as a layer-decay constructor gives


def schedule(convention, warmup_ratio=0.01, min_ratio=0.1):
    cfg = dict(type='WarmupCosineLR', convention=convention, warmup=WARMUP,
               warmup_ratio=warmup_ratio, min_ratio=min_ratio, by_epoch=True, begin=0,
               end=EPOCHS, convert_to_iter_based=True)
    return lr_curve(cfg, LR, EPOCH_LENGTH, EPOCHS, SCALES)


def test_timm_convention_is_one_cosine_over_the_whole_run():
    # timm CosineLRScheduler(t_initial=T, warmup_t=W, warmup_lr_init=w0, lr_min=m), step_update(t)
    lrs = schedule('timm')
    total, warmup = EPOCHS * EPOCH_LENGTH, WARMUP * EPOCH_LENGTH
    start, floor = 0.01 * LR, 0.1 * LR  # one value for every group, as timm sets them
    for t in (0, 1, warmup - 1, warmup, 100, total - 1):
        for group, scale in enumerate(SCALES):
            base = LR * scale
            if t < warmup:
                expected = start + t * (base - start) / warmup
            else:
                expected = floor + 0.5 * (base - floor) * (1 + math.cos(math.pi * t / total))
            assert lrs[t, group] == pytest.approx(expected, rel=1e-12)


def test_beit_convention_is_linspace_warmup_then_cosine_over_the_rest():
    lrs = schedule('beit', warmup_ratio=0.0, min_ratio=0.1)
    total, warmup = EPOCHS * EPOCH_LENGTH, WARMUP * EPOCH_LENGTH
    for group, scale in enumerate(SCALES):
        # utils.cosine_scheduler(base, final, ...) times the group's lr_scale
        expected = np.concatenate([
            np.linspace(0.0, LR, warmup),
            [0.1 * LR + 0.5 * 0.9 * LR * (1 + math.cos(math.pi * i / (total - warmup)))
             for i in range(total - warmup)]]) * scale
        np.testing.assert_allclose(lrs[:, group], expected, rtol=1e-12, atol=0)


def test_mae_convention_is_fractional_epoch_warmup_then_cosine_over_the_rest():
    lrs = schedule('mae', warmup_ratio=0.0, min_ratio=0.0)
    for t in (0, 5, WARMUP * EPOCH_LENGTH, 150, EPOCHS * EPOCH_LENGTH - 1):
        epoch = t / EPOCH_LENGTH  # util/lr_sched.adjust_learning_rate(data_iter_step / len + epoch)
        if epoch < WARMUP:
            expected = LR * epoch / WARMUP
        else:
            expected = LR * 0.5 * (1 + math.cos(math.pi * (epoch - WARMUP) / (EPOCHS - WARMUP)))
        assert lrs[t] == pytest.approx([expected * s for s in SCALES], rel=1e-12, abs=1e-18)


def test_resumed_scheduler_continues_the_same_curve():
    def build():
        wrapper = OptimWrapper(torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=LR))
        return wrapper, WarmupCosineLR(wrapper, warmup=10, warmup_ratio=0.01, end=100,
                                       by_epoch=False)
    wrapper, scheduler = build()
    for _ in range(40):
        scheduler.step()
    state = scheduler.state_dict()
    wrapper2, scheduler2 = build()
    scheduler2.load_state_dict(state)
    scheduler.step()
    scheduler2.step()
    assert wrapper2.param_groups[0]['lr'] == wrapper.param_groups[0]['lr'] == pytest.approx(
        scheduler.value_at(41, LR))


@pytest.mark.parametrize('kwargs, words', [
    (dict(convention='cosine'), 'convention must be one of'),
    (dict(warmup=100), '0 <= warmup < end - begin'),
    (dict(end=INF), 'finite end')])
def test_bad_arguments_name_the_option(kwargs, words):
    wrapper = OptimWrapper(torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=LR))
    args = dict(dict(warmup=10, end=100, by_epoch=False), **kwargs)
    with pytest.raises(ValueError, match=words):
        WarmupCosineLR(wrapper, **args)
