import pytest
import torch
import torch.nn.functional as F

from mfm_mm.evaluation import pgd_attack
from test_models.test_corruptions.photos import unit_photos


def linear_model(seed: int = 0):
    torch.manual_seed(seed)
    weight = torch.randn(5, 3 * 8 * 8) * 0.1
    return weight, lambda images: images.flatten(1) @ weight.T


def test_fgsm_is_one_signed_step_of_the_hand_computed_gradient():
    images = unit_photos(8)[:4] * 0.5 + 0.25  # away from the [0, 1] border
    labels = torch.tensor([0, 1, 2, 3])
    weight, logits_fn = linear_model()
    adv = pgd_attack(logits_fn, images, labels, eps=2 / 255, step_size=2 / 255, steps=1,
                     random_start=False)
    # d CE / d x = W^T (softmax(Wx) - onehot(y)) / N for a linear classifier
    probs = F.softmax(logits_fn(images), dim=1)
    grad = (probs - F.one_hot(labels, 5)) @ weight / 4
    torch.testing.assert_close(adv - images, 2 / 255 * grad.sign().view_as(images))


def test_pgd_stays_in_the_ball_and_the_image_range_and_raises_the_loss():
    images = unit_photos(8)[:4]
    labels = torch.tensor([0, 1, 2, 3])
    _, logits_fn = linear_model()
    torch.manual_seed(0)
    clean_loss = F.cross_entropy(logits_fn(images), labels).item()
    fgsm = pgd_attack(logits_fn, images, labels, 1 / 255, 1 / 255, 1, False)
    pgd = pgd_attack(logits_fn, images, labels, 1 / 255, 0.25 / 255, 10, True)
    for adv in (fgsm, pgd):
        assert (adv - images).abs().max() <= 1 / 255 + 1e-6
        assert adv.min() >= 0 and adv.max() <= 1
        assert F.cross_entropy(logits_fn(adv), labels).item() > clean_loss
    # a linear loss is maximised at a corner of the box: PGD's 10 steps reach FGSM's loss
    assert F.cross_entropy(logits_fn(pgd), labels).item() == pytest.approx(
        F.cross_entropy(logits_fn(fgsm), labels).item(), rel=1e-3)
