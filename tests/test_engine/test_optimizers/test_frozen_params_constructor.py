"""One log line for a frozen teacher; the same param groups as mmengine's constructor."""
import copy
import io
import logging

import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor

from conftest import REPO
from mfm_mm.engine import FrozenParamsOptimWrapperConstructor

OPTIM = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))
PARAMWISE = dict(norm_decay_mult=0.0, bias_decay_mult=0.0)


class StudentTeacher(nn.Module):
    """A student and its frozen copy, as ConMIM's EMA teacher."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 2))
        self.teacher = copy.deepcopy(self.backbone).requires_grad_(False)


@pytest.fixture
def log():
    """The lines the current mmengine logger writes while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logger.removeHandler(handler)


def _groups(wrapper):
    return [{key: (len(value) if key == 'params' else value) for key, value in group.items()}
            for group in wrapper.optimizer.param_groups]


def test_frozen_teacher_is_one_line_and_the_groups_are_mmengines(log):
    model = StudentTeacher()
    default = DefaultOptimWrapperConstructor(OPTIM, PARAMWISE)(model)
    skipped = [line for line in log() if 'is skipped since its requires_grad=False' in line]
    assert len(skipped) == 6
    before = len(log())
    quiet = FrozenParamsOptimWrapperConstructor(OPTIM, PARAMWISE)(model)
    lines = [line for line in log()[before:] if 'frozen' in line or 'skipped' in line]
    assert lines == ['optimizer: 6 frozen parameters left out (teacher: 6)']
    assert _groups(quiet) == _groups(default)
    assert [p for g in quiet.optimizer.param_groups for p in g['params']] == [
        p for g in default.optimizer.param_groups for p in g['params']]


def test_a_model_without_frozen_modules_logs_nothing_extra(log):
    model = StudentTeacher().backbone
    FrozenParamsOptimWrapperConstructor(OPTIM, PARAMWISE)(model)
    assert not [line for line in log() if 'frozen' in line or 'skipped' in line]


def test_conmim_configs_use_it():
    config = Config.fromfile(f'{REPO}/configs/conmim/conmim_vit-b_300e.py')
    assert config.optim_wrapper.constructor == 'FrozenParamsOptimWrapperConstructor'
