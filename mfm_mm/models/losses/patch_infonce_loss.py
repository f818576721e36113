"""Intra-image inter-patch InfoNCE of ConMIM (Yi et al., ICLR 2023)."""
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from ...utils.options import check_number


@MODELS.register_module()
class PatchInfoNCELoss(BaseModule):
    """InfoNCE between the patches of one image, scored at masked positions.

    For masked position ``i`` of image ``n`` the query is the student feature ``q_i``; the keys
    are the teacher features ``k_j`` of all ``N`` patches of the same image. ``k_i`` is the
    positive, the other ``N - 1`` patches are the negatives:
    ``-log(exp(q_i.k_i / tau) / sum_j exp(q_i.k_j / tau))`` with L2-normalised features,
    averaged over every masked position of the batch. ``N`` is read from the inputs.

    Args:
        temperature: The temperature ``tau``. Defaults to 0.1.
    """

    def __init__(self, temperature: float = 0.1) -> None:
        super().__init__()
        check_number('PatchInfoNCELoss', 'temperature', temperature, low=0., low_closed=False)
        self.temperature = temperature

    def forward(self, query: torch.Tensor, key: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        """Computes the loss.

        Args:
            query: Student patch features ``(B, N, C)``.
            key: Teacher patch features ``(B, N, C)``.
            mask: ``(B, N)``, non-zero where the student's patch was masked.

        Returns:
            The mean loss over the masked positions (a scalar).
        """
        if query.shape != key.shape or mask.shape != query.shape[:2]:
            raise ValueError(
                f'PatchInfoNCELoss: query {tuple(query.shape)}, key {tuple(key.shape)} and '
                f'mask {tuple(mask.shape)} must be (B, N, C), (B, N, C) and (B, N)')
        mask = mask.bool()
        if not mask.any():
            raise ValueError('PatchInfoNCELoss: the mask selects no patch')
        query = F.normalize(query.float(), dim=-1)
        key = F.normalize(key.float(), dim=-1)
        logits = torch.bmm(query, key.transpose(1, 2)) / self.temperature  # (B, N, N)
        batch, num_patches = mask.shape
        target = torch.arange(num_patches, device=query.device).expand(batch, num_patches)
        return F.cross_entropy(logits[mask], target[mask])  # over the M masked rows (M, N)
