"""MAE with FAMT's frequency- and attention-driven masking and throwing."""
from typing import Dict, List, Tuple

import torch
from mmpretrain.models import MAE
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils.famt_sampling import split_sizes, weighted_order


@MODELS.register_module()
class FAMTMAE(MAE):
    """MAE whose patches are masked and thrown by FAMT's sampling weights.

    Implementation of `Exploring the Coordination of Frequency and Attention in Masked Image
    Modeling <https://arxiv.org/abs/2211.15362>`_ on mmpretrain's MAE. Per image, the patches
    are ordered by sampling without replacement proportional to the weight map packed by
    ``FAMTWeightMap`` (``famt_weight``, ``(h, w)``); the first ``mask_ratio * L`` are masked
    (reconstructed), the next ``throw_ratio * L`` are thrown (neither encoded, decoded nor
    scored) and the rest are visible. Until ``FAMTRefreshHook`` has computed the weights once
    (``weights_ready``), masking is MAE's: uniform, ``warmup_mask_ratio``, nothing thrown.

    Args:
        backbone: A ``FAMTViT`` config.
        neck: A ``FAMTPretrainDecoder`` config.
        head: MAE's head config (``MAEPretrainHead``).
        mask_ratio: Fraction of masked patches. Defaults to 0.45.
        throw_ratio: Fraction of thrown patches. Defaults to 0.40.
        warmup_mask_ratio: MAE's random mask ratio before the first refresh. Defaults to 0.75.
        **kwargs: ``BaseSelfSupervisor``'s other arguments.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, mask_ratio: float = 0.45,
                 throw_ratio: float = 0.40, warmup_mask_ratio: float = 0.75, **kwargs) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head, **kwargs)
        num_patches = self.backbone.num_patches
        split_sizes(num_patches, mask_ratio, throw_ratio)  # ValueError naming the options
        if not 0 < warmup_mask_ratio < 1:
            raise ValueError(f'warmup_mask_ratio must be in (0, 1), got {warmup_mask_ratio}')
        self.mask_ratio = mask_ratio
        self.throw_ratio = throw_ratio
        self.warmup_mask_ratio = warmup_mask_ratio
        self.weights_ready = False

    def patch_order(self, data_samples: List[DataSample],
                    device: torch.device) -> Tuple[torch.Tensor, int, int]:
        """Samples the order of the patches and the sizes of the masked and thrown groups.

        Args:
            data_samples: Samples carrying ``famt_weight`` ``(h, w)``.
            device: Device of the result.

        Returns:
            ``(order, M, T)``: patch indices ``(N, L)`` (masked, thrown, then visible) and
            the number of masked and thrown patches.
        """
        weights = torch.stack([ds.famt_weight for ds in data_samples]).to(device)  # (N, h, w)
        weights = weights.flatten(1)  # (N, L)
        if weights.shape[1] != self.backbone.num_patches:
            raise ValueError(
                f'famt_weight has {weights.shape[1]} patches, the backbone '
                f'{self.backbone.num_patches}: set FAMTWeightMap.grid_size to the patch grid')
        if self.weights_ready:
            num_mask, num_throw, _ = split_sizes(weights.shape[1], self.mask_ratio,
                                                 self.throw_ratio)
        else:
            weights = torch.ones_like(weights)
            num_mask, num_throw, _ = split_sizes(weights.shape[1], self.warmup_mask_ratio, 0.)
        return weighted_order(weights), num_mask, num_throw

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Computes MAE's loss on the masked patches; thrown patches are never touched.

        Args:
            inputs: Normalised images ``(N, C, H, W)``.
            data_samples: Samples carrying ``famt_weight``.

        Returns:
            ``dict(loss=...)``.
        """
        order, num_mask, num_throw = self.patch_order(data_samples, inputs.device)
        ids_visible = order[:, num_mask + num_throw:]  # (N, V)
        latent = self.backbone(inputs, ids_keep=ids_visible)  # (N, 1 + V, C)
        ids_decode = torch.cat([ids_visible, order[:, :num_mask]], dim=1)  # (N, V + M)
        pred = self.neck(latent, ids_decode)  # (N, V + M, P)
        # Back on the full grid for MAE's head: thrown patches predict 0 with loss weight 0.
        full_pred = pred.new_zeros(len(pred), order.shape[1], pred.shape[-1])
        full_pred = full_pred.scatter(1, ids_decode[..., None].expand_as(pred), pred)
        mask = torch.zeros_like(order, dtype=pred.dtype)
        mask = mask.scatter(1, order[:, :num_mask], 1.)  # (N, L), 1 = masked
        return dict(loss=self.head.loss(full_pred, inputs, mask))
