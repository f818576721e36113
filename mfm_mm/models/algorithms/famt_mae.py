"""MAE with FAMT's frequency- and attention-driven masking and throwing."""
from typing import Dict, List, Tuple, Union

import numpy as np
import torch
from mmengine.dist import all_gather, get_dist_info
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar
from mmpretrain.models import MAE
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...utils.options import check_choice, check_number
from ..utils.famt_sampling import split_sizes, weighted_order
from ..utils.famt_weights import FUSIONS, crop_weight_map, fuse_weights, lowpass_patch_response
from ..utils.frequency import check_radius


@MODELS.register_module()
class FAMTMAE(MAE):
    """MAE whose patches are masked and thrown by FAMT's sampling weights.

    Implementation of `Exploring the Coordination of Frequency and Attention in Masked Image
    Modeling <https://arxiv.org/abs/2211.15362>`_ on mmpretrain's MAE. The model keeps one
    weight map per training image over the whole image (buffer ``famt_weights``,
    ``(num_images, h, w)`` uint8, 255 = weight 1; about 250 MB for ImageNet-1k at 14 x 14) and
    the epoch it was last computed (buffer ``refreshed_epoch``, -1 = never), so checkpoints
    carry both and a resumed run masks as the interrupted one did. ``FAMTRefreshHook`` decides
    when :meth:`refresh_weights` recomputes them.

    Per image, the map of ``sample_idx`` is resampled to the crop ``crop_box`` recorded by
    ``RandomResizedCropWithBox`` and flipped as ``RandomFlip`` did (``crop_weight_map``); the
    patches are ordered by sampling without replacement proportional to it; the first
    ``mask_ratio * L`` are masked (reconstructed), the next ``throw_ratio * L`` are thrown
    (neither encoded, decoded nor scored) and the rest are visible. Until the maps are computed
    once, masking is MAE's: uniform, ``warmup_mask_ratio``, nothing thrown.

    A map is the last block's CLS-to-patch attention (``FAMTViT.cls_attention``, heads min-max
    normalised and averaged) fused (``fusion``) with the per-patch low-pass response of the
    image (``lowpass_patch_response``, disc of radius ``freq_cutoff``, DC removed).

    Args:
        backbone: A ``FAMTViT`` config.
        neck: A ``FAMTPretrainDecoder`` config.
        head: MAE's head config (``MAEPretrainHead``).
        mask_ratio: Fraction of masked patches. Defaults to 0.45.
        throw_ratio: Fraction of thrown patches. Defaults to 0.40.
        warmup_mask_ratio: MAE's random mask ratio before the first refresh. Defaults to 0.75.
        fusion: ``'sum'`` or ``'product'`` (see ``fuse_weights``). Defaults to ``'sum'``.
        freq_weight: Share of the frequency map with ``fusion='sum'``. Defaults to 0.5.
        freq_cutoff: Low-pass radius, in bins (int) or as a fraction of the half image size
            (float in ``(0, 1]``), as ``FrequencyMaskGenerator``'s radius. Defaults to 1/7
            (16 bins at 224 px, one cycle per 16-pixel patch).
        **kwargs: ``BaseSelfSupervisor``'s other arguments.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, mask_ratio: float = 0.45,
                 throw_ratio: float = 0.40, warmup_mask_ratio: float = 0.75,
                 fusion: str = 'sum', freq_weight: float = 0.5,
                 freq_cutoff: Union[int, float] = 1 / 7, **kwargs) -> None:
        owner = type(self).__name__
        for name, value in (('mask_ratio', mask_ratio), ('throw_ratio', throw_ratio),
                            ('warmup_mask_ratio', warmup_mask_ratio)):
            check_number(owner, name, value, low=0., high=1.)
        check_choice(owner, 'fusion', fusion, FUSIONS)
        check_number(owner, 'freq_weight', freq_weight, low=0., high=1.)
        check_radius(owner, 'freq_cutoff', freq_cutoff)
        super().__init__(backbone=backbone, neck=neck, head=head, **kwargs)
        num_patches = self.backbone.num_patches
        split_sizes(num_patches, mask_ratio, throw_ratio)  # ValueError naming the options
        split_sizes(num_patches, warmup_mask_ratio, 0.)
        self.mask_ratio = mask_ratio
        self.throw_ratio = throw_ratio
        self.warmup_mask_ratio = warmup_mask_ratio
        self.fusion = fusion
        self.freq_weight = freq_weight
        self.freq_cutoff = freq_cutoff
        grid = tuple(self.backbone.patch_resolution)
        self.register_buffer('famt_weights', torch.empty((0, *grid), dtype=torch.uint8))
        self.register_buffer('refreshed_epoch', torch.tensor(-1))

    @property
    def weights_ready(self) -> bool:
        """Whether the maps have been computed at least once."""
        return int(self.refreshed_epoch) >= 0

    def reset_weights(self, num_images: int) -> None:
        """Makes ``num_images`` uniform maps, not yet computed (random masking until then).

        Args:
            num_images: Images of the training set, indexed by ``sample_idx``.
        """
        grid = self.famt_weights.shape[1:]
        self.famt_weights = torch.full((num_images, *grid), 255, dtype=torch.uint8,
                                       device=self.famt_weights.device)
        self.refreshed_epoch.fill_(-1)

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        """Takes the number of maps of the checkpoint (the buffer starts empty)."""
        saved = state_dict.get(prefix + 'famt_weights')
        if saved is not None and saved.shape[1:] == self.famt_weights.shape[1:]:
            self.famt_weights = torch.empty_like(saved, device=self.famt_weights.device)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @torch.no_grad()
    def sampling_weights(self, inputs: torch.Tensor) -> torch.Tensor:
        """FAMT weights of whole normalised images.

        Args:
            inputs: Images ``(N, C, H, W)`` resized whole to the encoder's input size.

        Returns:
            Maps ``(N, h, w)`` in ``[0, 1]``.
        """
        attention = self.backbone.cls_attention(inputs)
        patch_size = self.backbone.img_size[0] // self.backbone.patch_resolution[0]
        frequency = lowpass_patch_response(inputs, patch_size, self.freq_cutoff)
        return fuse_weights(attention, frequency, self.fusion, self.freq_weight)

    @torch.no_grad()
    def refresh_weights(self, loader, epoch: int) -> None:
        """Recomputes every map with the current encoder (this rank's share, then gathered).

        Args:
            loader: Whole images resized to the encoder's input size, each sample carrying
                its ``sample_idx``; in distributed runs each rank's share.
            epoch: The epoch to record as :attr:`refreshed_epoch`.
        """
        logger = MMLogger.get_current_instance()
        total = len(self.famt_weights)
        rank, world_size = get_dist_info()
        logger.info(f'FAMT: refreshing the sampling weights of {total} images (epoch {epoch})')
        bar = ProgressBar(total) if rank == 0 else None
        indices, maps = [], []
        was_training = self.training
        self.eval()
        for batch in loader:
            data = self.data_preprocessor(batch, False)
            maps.append(self.sampling_weights(data['inputs']))
            indices.append(torch.tensor([s.sample_idx for s in data['data_samples']],
                                        device=maps[-1].device))
            done = min(len(indices[-1]) * world_size, total - bar.completed) if bar else 0
            if done > 0:
                bar.update(done)
        self.train(was_training)
        if bar is not None:
            bar.file.write('\n')
        indices, maps = torch.cat(indices), torch.cat(maps)  # (n,), (n, h, w)
        if world_size > 1:  # DefaultSampler pads every rank to the same length
            indices, maps = torch.cat(all_gather(indices)), torch.cat(all_gather(maps))
        self.famt_weights[indices] = (maps * 255).round().to(torch.uint8)
        self.refreshed_epoch.fill_(epoch)
        weights = self.famt_weights.float() / 255
        logger.info(f'FAMT: weights refreshed, mean {weights.mean():.3f}, '
                    f'min {weights.min():.3f}, max {weights.max():.3f}')

    def crop_weights(self, data_samples: List[DataSample]) -> torch.Tensor:
        """The stored maps of a batch, resampled to each crop and flipped like the image.

        Args:
            data_samples: Samples carrying ``sample_idx``, ``crop_box`` and the flip metainfo.

        Returns:
            Maps ``(N, h, w)`` over the patch grid of the crops.
        """
        if not all('crop_box' in sample for sample in data_samples):
            raise ValueError("FAMTMAE needs `crop_box` in every data sample: use "
                             "RandomResizedCropWithBox and PackInputs(algorithm_keys="
                             "['crop_box']) in the train pipeline")
        if not self.weights_ready:
            return self.famt_weights.new_ones(len(data_samples), *self.famt_weights.shape[1:],
                                              dtype=torch.float32)
        indices = [sample.sample_idx for sample in data_samples]
        if max(indices) >= len(self.famt_weights):
            raise ValueError(f'FAMTMAE: sample_idx {max(indices)} but {len(self.famt_weights)} '
                             'maps: the training set changed since the maps were computed')
        maps = self.famt_weights[indices].float() / 255.  # (N, h, w) over whole images
        boxes = torch.from_numpy(np.stack([np.asarray(s.crop_box) for s in data_samples]))
        flips = [s.flip_direction if s.get('flip') else None for s in data_samples]
        return crop_weight_map(maps, boxes, tuple(maps.shape[1:]), flips)  # (N, h, w)

    def patch_order(self, data_samples: List[DataSample]) -> Tuple[torch.Tensor, int, int]:
        """Samples the order of the patches and the sizes of the masked and thrown groups.

        Args:
            data_samples: Samples carrying ``sample_idx``, ``crop_box`` and the flip metainfo.

        Returns:
            ``(order, M, T)``: patch indices ``(N, L)`` (masked, thrown, then visible) and
            the number of masked and thrown patches.
        """
        weights = self.crop_weights(data_samples).flatten(1)  # (N, L)
        if self.weights_ready:
            num_mask, num_throw, _ = split_sizes(weights.shape[1], self.mask_ratio,
                                                 self.throw_ratio)
        else:
            num_mask, num_throw, _ = split_sizes(weights.shape[1], self.warmup_mask_ratio, 0.)
        return weighted_order(weights), num_mask, num_throw

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Computes MAE's loss on the masked patches; thrown patches are never touched.

        Args:
            inputs: Normalised images ``(N, C, H, W)``.
            data_samples: Samples carrying ``sample_idx``, ``crop_box`` and the flip metainfo.

        Returns:
            ``dict(loss=...)``.
        """
        order, num_mask, num_throw = self.patch_order(data_samples)
        order = order.to(inputs.device)
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
