"""L-infinity gradient attacks (FGSM, PGD) on images in [0, 1]."""
from typing import Callable

import torch
import torch.nn.functional as F


def pgd_attack(logits_fn: Callable[[torch.Tensor], torch.Tensor], images: torch.Tensor,
               labels: torch.Tensor, eps: float, step_size: float, steps: int,
               random_start: bool) -> torch.Tensor:
    """Projected gradient ascent of the cross-entropy in an L-infinity ball.

    FGSM (Goodfellow et al., 2015) is one step of size ``eps`` without random start; PGD
    (Madry et al., 2018) iterates signed steps from a random point of the ball, projecting back
    onto the ball and onto ``[0, 1]`` after each step.

    Args:
        logits_fn: Maps images ``(N, C, H, W)`` in ``[0, 1]`` to logits ``(N, K)``.
        images: Clean images ``(N, C, H, W)`` in ``[0, 1]``.
        labels: True classes ``(N,)``.
        eps: Radius of the ball, on the ``[0, 1]`` scale (e.g. 1 / 255).
        step_size: Size of each signed step.
        steps: Number of steps.
        random_start: Whether to start from a uniform point of the ball.

    Returns:
        Adversarial images ``(N, C, H, W)`` in ``[0, 1]``, detached.
    """
    images = images.detach()
    adv = images.clone()
    if random_start:
        adv = (adv + torch.empty_like(adv).uniform_(-eps, eps)).clamp_(0., 1.)
    for _ in range(steps):
        adv.requires_grad_(True)
        with torch.enable_grad():
            loss = F.cross_entropy(logits_fn(adv), labels)
            grad, = torch.autograd.grad(loss, adv)
        adv = adv.detach() + step_size * grad.sign()
        adv = torch.min(torch.max(adv, images - eps), images + eps).clamp_(0., 1.)
    return adv
