"""ConMIM: masked image modeling with denoising contrast (Yi et al., ICLR 2023)."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmpretrain.models import BaseSelfSupervisor, CosineEMA
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import nn

from ...utils.options import check_number


@MODELS.register_module()
class ConMIM(BaseSelfSupervisor):
    """Masked image modeling with denoising contrast.

    Implementation of `Masked Image Modeling with Denoising Contrast
    <https://arxiv.org/abs/2205.09616>`_. The student (a BEiT-style ViT with a mask token,
    e.g. ``BEiTPretrainViT``, and the ``neck`` projector applied to every token) sees the weak
    view with masked patches; the teacher, an EMA copy of the student, sees the strong
    (photometrically augmented) view of the same crop without masking. The head scores each
    masked student patch against all teacher patches of its image (``PatchInfoNCELoss``).

    The teacher's momentum follows a cosine from ``momentum`` to ``end_momentum`` over the
    run's iterations (mmpretrain's ``CosineEMA``); its update count is a buffer of the model,
    so checkpoints carry the schedule's position and a resumed run continues it.

    Args:
        backbone: Config of the student ViT; ``forward(x, mask)`` returns ``(B, 1 + N, D)``
            tokens (cls first).
        neck: Config of the projector on each token (e.g. ``NonLinearNeck`` with
            ``with_avg_pool=False``).
        head: Config of the loss head (e.g. ``MIMHead`` with ``PatchInfoNCELoss``).
        momentum: Teacher momentum at the first update (the weight kept by the teacher).
            Defaults to 0.996.
        end_momentum: Teacher momentum at the last iteration. Defaults to 1.0.
        pretrained: Checkpoint of the whole algorithm. Defaults to None.
        data_preprocessor: Config of the preprocessor (``SelfSupDataPreprocessor``).
        init_cfg: Initialisation config. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 momentum: float = 0.996,
                 end_momentum: float = 1.0,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        for name, value in (('momentum', momentum), ('end_momentum', end_momentum)):
            check_number('ConMIM', name, value, low=0., high=1.)
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        # CosineEMA's momentum is the weight of the new (student) value: 1 - teacher momentum.
        self.teacher = CosineEMA(
            self.student(), momentum=1.0 - momentum, end_momentum=1.0 - end_momentum)

    def student(self) -> nn.ModuleDict:
        """The student network (backbone + projector) the teacher averages."""
        return nn.ModuleDict(dict(backbone=self.backbone, neck=self.neck))

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Student backbone tokens of unmasked images.

        Args:
            inputs: Normalised images ``(B, C, H, W)``.

        Returns:
            The backbone outputs, ``(B, 1 + N, D)`` each.
        """
        return self.backbone(inputs, mask=None)

    @staticmethod
    def project(network: nn.ModuleDict, images: torch.Tensor,
                mask: Optional[torch.Tensor]) -> torch.Tensor:
        """Encodes images and projects every token.

        Args:
            network: ``backbone`` and ``neck`` of the student or the teacher.
            images: Normalised images ``(B, C, H, W)``.
            mask: ``(B, h, w)`` patches to replace by the mask token, or None.

        Returns:
            Projected patch tokens ``(B, N, C')`` (cls token dropped).
        """
        tokens = network['backbone'](images, mask=mask)[-1]  # (B, 1 + N, D)
        batch, num_tokens, _ = tokens.shape
        projected = network['neck']((tokens.flatten(0, 1), ))[0]  # (B * (1 + N), C')
        projected = projected.view(batch, num_tokens, -1)
        return projected[:, network['backbone'].num_extra_tokens:]

    def loss(self, inputs: List[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Computes the ConMIM loss of a batch and updates the teacher.

        Args:
            inputs: ``[weak, strong]`` normalised views ``(B, C, H, W)`` of the same crops.
            data_samples: Samples carrying ``mask`` ``(h, w)`` (array or tensor, 1 = masked)
                over the patch grid.

        Returns:
            ``dict(loss=...)``.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError('ConMIM needs two views of each image (weak, strong): use '
                             "MultiView with num_views=[1, 1] before 'PackInputs'")
        weak, strong = inputs
        mask = torch.stack([torch.as_tensor(ds.mask) for ds in data_samples])  # (B, h, w)
        mask = mask.to(weak.device, torch.bool)
        stride = self.backbone.patch_embed.projection.stride
        grid = tuple(size // step for size, step in zip(weak.shape[-2:], stride))
        if tuple(mask.shape[1:]) != grid:
            raise ValueError(f'ConMIM: the mask is {tuple(mask.shape[1:])} but {weak.shape[-2]}'
                             f'x{weak.shape[-1]} images have {grid[0]}x{grid[1]} patches; '
                             "set the mask generator's input_size to the crop size")
        query = self.project(self.student(), weak, mask)  # (B, N, C')
        with torch.no_grad():
            self.teacher.update_parameters(self.student())
            key = self.project(self.teacher.module, strong, None)  # (B, N, C')
        return dict(loss=self.head.loss(query, key, mask.flatten(1)))
