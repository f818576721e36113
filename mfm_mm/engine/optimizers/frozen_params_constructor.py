"""mmengine's default optimizer constructor, with one log line for frozen modules."""
from typing import List, Optional, Tuple, Union

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class FrozenParamsOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """``DefaultOptimWrapperConstructor`` that leaves frozen modules out in one log line.

    mmengine logs ``<name> is skipped since its requires_grad=False`` once per parameter: 194
    lines for the EMA teacher of a ConMIM ViT-B. Here a module whose parameters are all frozen
    is left out whole, and the optimizer build logs one line, e.g. ``optimizer: 194 frozen
    parameters left out (teacher: 194)``. Param groups and their options are mmengine's.
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        self._frozen: List[Tuple[str, int]] = []
        optim_wrapper = super().__call__(model)
        if self._frozen:
            total = sum(count for _, count in self._frozen)
            parts = ', '.join(f'{prefix or "model"}: {count}' for prefix, count in self._frozen)
            print_log(f'optimizer: {total} frozen parameters left out ({parts})',
                      logger='current')
        return optim_wrapper

    def add_params(self, params: List[dict], module: nn.Module, prefix: str = '',
                   is_dcn_module: Optional[Union[int, float]] = None) -> None:
        """Adds ``module``'s parameters as mmengine does, unless all of them are frozen.

        Args:
            params: The param groups, extended in place.
            module: The module to add.
            prefix: Its name in the model.
            is_dcn_module: As in mmengine.
        """
        parameters = list(module.parameters())
        if parameters and not any(param.requires_grad for param in parameters):
            self._frozen.append((prefix, len(parameters)))
            return
        super().add_params(params, module, prefix=prefix, is_dcn_module=is_dcn_module)
