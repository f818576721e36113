"""FAMT's patch ordering: weighted sampling without replacement, split into mask / throw / keep."""
from typing import Optional, Tuple

import torch

# Smallest sampling weight: patches whose weight is 0 still get a random place among themselves.
WEIGHT_FLOOR = 1e-6


def split_sizes(num_patches: int, mask_ratio: float, throw_ratio: float) -> Tuple[int, int, int]:
    """Numbers of masked, thrown and visible patches.

    Args:
        num_patches: ``L``, patches per image.
        mask_ratio: Fraction of ``L`` that is masked (reconstructed).
        throw_ratio: Fraction of ``L`` that is thrown (never seen, never scored).

    Returns:
        ``(M, T, V)`` with ``M = int(L * mask_ratio)``, ``T = int(L * throw_ratio)`` and
        ``V = L - M - T >= 1``.
    """
    if not (0 < mask_ratio < 1 and 0 <= throw_ratio < 1 and mask_ratio + throw_ratio < 1):
        raise ValueError(
            'FAMT needs 0 < mask_ratio < 1, 0 <= throw_ratio < 1 and mask_ratio + throw_ratio < 1 '
            f'(some patches must stay visible), got mask_ratio={mask_ratio}, '
            f'throw_ratio={throw_ratio}')
    num_mask, num_throw = int(num_patches * mask_ratio), int(num_patches * throw_ratio)
    num_visible = num_patches - num_mask - num_throw
    if num_mask < 1 or num_visible < 1:
        raise ValueError(
            f'mask_ratio={mask_ratio}, throw_ratio={throw_ratio} leave {num_mask} masked and '
            f'{num_visible} visible of {num_patches} patches; both must be at least 1')
    return num_mask, num_throw, num_visible


def weighted_order(weights: torch.Tensor,
                   generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Orders patches by multinomial sampling without replacement, proportional to ``weights``.

    Each patch gets an exponential arrival time ``E / w`` (``E ~ Exp(1)``); sorting the times
    gives exactly the order of successive draws without replacement with probabilities
    ``w_i / sum(remaining w)`` (Efraimidis and Spirakis), for a whole batch in one sort.

    Args:
        weights: Non-negative weights ``(N, L)``.
        generator: Optional random generator.

    Returns:
        Patch indices ``(N, L)``, earliest draw first.
    """
    arrival = torch.empty_like(weights, dtype=torch.float32).exponential_(generator=generator)
    arrival = arrival / weights.float().clamp_min(WEIGHT_FLOOR)  # (N, L)
    return arrival.argsort(dim=1)
