"""mmpretrain's ResNet with its weights and inputs in the channels-last memory format."""
from typing import Tuple

import torch
from mmpretrain.models import ResNet
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ChannelsLastResNet(ResNet):
    """``ResNet`` that runs in NHWC (``torch.channels_last``) when ``channels_last`` is set.

    The conv weights are stored channels-last and each input is made channels-last, so the
    convolutions pick their NHWC kernels (tensor cores on GPUs, oneDNN on CPUs). In-place
    initialisation and ``load_state_dict`` keep the format; names and values are
    ``ResNet``'s, so checkpoints load strictly into either class.

    Args:
        *args: ``ResNet``'s arguments.
        channels_last: NHWC weights and inputs; ``False`` is the stock ``ResNet``.
        **kwargs: ``ResNet``'s keyword arguments.
    """

    def __init__(self, *args, channels_last: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channels_last = channels_last
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """``ResNet.forward`` on ``x`` ``(N, C, H, W)``, channels-last if enabled."""
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return super().forward(x)
