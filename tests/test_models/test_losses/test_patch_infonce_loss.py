"""PatchInfoNCELoss: hand-computed values, the uninformative limit and the masked positions."""
import math

import pytest
import torch

from mfm_mm.models.losses import PatchInfoNCELoss


def test_matches_a_hand_computed_value():
    # image 0: q0 = (3, 4) -> (0.6, 0.8); keys (1, 0) and (0, 2) -> (0, 1); logits (6, 8)
    # image 1: q0 = q1 = (0, 1); keys (1, 0), (0, 1); logits (0, 10) for both rows
    query = torch.tensor([[[3., 4.], [5., -1.]], [[0., 1.], [0., 1.]]])
    key = torch.tensor([[[1., 0.], [0., 2.]], [[1., 0.], [0., 1.]]])
    mask = torch.tensor([[1, 0], [1, 1]])
    expected = (math.log(1 + math.exp(2)) + math.log(1 + math.exp(10))
                + math.log(1 + math.exp(-10))) / 3  # mean over the 3 masked positions
    loss = PatchInfoNCELoss(temperature=0.1)(query, key, mask)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    assert loss.item() == pytest.approx(4.042340, rel=1e-6)


@pytest.mark.parametrize('num_patches', [4, 49, 196])
def test_identical_uninformative_features_give_log_n(num_patches):
    features = torch.ones(3, num_patches, 8)
    mask = torch.rand(3, num_patches) < 0.75
    mask[:, 0] = True
    loss = PatchInfoNCELoss()(features, features.clone(), mask)
    assert loss.item() == pytest.approx(math.log(num_patches), rel=1e-6)


def test_only_masked_positions_contribute():
    torch.manual_seed(0)
    query, key = torch.randn(2, 16, 8), torch.randn(2, 16, 8)
    mask = torch.rand(2, 16) < 0.5
    loss = PatchInfoNCELoss()(query, key, mask)
    changed = query.clone()
    changed[~mask] = torch.randn(int((~mask).sum()), 8)  # visible queries do not matter
    assert PatchInfoNCELoss()(changed, key, mask).item() == pytest.approx(loss.item(), abs=1e-6)
    changed = query.clone()
    changed[mask] = torch.randn(int(mask.sum()), 8)
    assert PatchInfoNCELoss()(changed, key, mask).item() != pytest.approx(loss.item(), abs=1e-3)

    query.requires_grad_(True)
    PatchInfoNCELoss()(query, key, mask).backward()
    assert (query.grad[~mask] == 0).all() and (query.grad[mask].abs().sum(-1) > 0).all()


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match='temperature'):
        PatchInfoNCELoss(temperature=0)
    with pytest.raises(ValueError, match=r'must be \(B, N, C\)'):
        PatchInfoNCELoss()(torch.ones(1, 4, 2), torch.ones(1, 5, 2), torch.ones(1, 4))
    with pytest.raises(ValueError, match='selects no patch'):
        PatchInfoNCELoss()(torch.ones(1, 4, 2), torch.ones(1, 4, 2), torch.zeros(1, 4))
