import pytest
import torch
from mmpretrain.registry import MODELS


def test_head_delegates_to_its_loss():
    head = MODELS.build(dict(type='MFMHead', loss=dict(type='FrequencyLoss', loss_weight=2.0)))
    pred = torch.zeros(1, 1, 2, 2)
    target = torch.tensor([[[[1., 1.], [0., 0.]]]])  # |F| = [[1, 0], [1, 0]]
    assert head.loss(pred, target).item() == pytest.approx(2.0 * 0.5, abs=1e-5)
