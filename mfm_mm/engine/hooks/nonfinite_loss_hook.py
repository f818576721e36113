"""Stops (or skips) a training step whose loss is NaN or infinite, before it touches weights."""
from typing import Dict, Optional

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.model import unwrap_model

ACTIONS = ('stop', 'skip')


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Guards the optimizer step against non-finite losses and checkpoints against NaN weights.

    The check sits in front of ``optim_wrapper.update_params``, so a non-finite loss never
    reaches backward or the optimizer. In distributed runs the ranks agree (one all-reduce of
    a flag) so that all of them stop or skip together. Before each checkpoint is written its
    tensors are checked, so no checkpoint with non-finite weights is ever saved.

    Args:
        action: ``'stop'`` raises ``FloatingPointError`` naming the iteration and the loss
            terms; ``'skip'`` drops the step with a warning and goes on.
    """

    priority = 'VERY_HIGH'

    def __init__(self, action: str = 'stop') -> None:
        if action not in ACTIONS:
            raise ValueError(f'NonFiniteLossHook: action must be one of {ACTIONS}, got {action!r}')
        self.action = action
        self.skipped = 0
        self._terms: Optional[Dict[str, torch.Tensor]] = None  # the step's loss terms

    def before_train(self, runner) -> None:
        """Wraps the model's loss parsing and the optimizer wrapper's update."""
        model = unwrap_model(runner.model)
        parse_losses = model.parse_losses
        update_params = runner.optim_wrapper.update_params

        def remember_terms(losses):
            loss, log_vars = parse_losses(losses)
            self._terms = log_vars
            return loss, log_vars

        def guarded_update(loss: torch.Tensor, *args, **kwargs):
            finite = torch.isfinite(loss.detach()).float()
            if is_distributed():
                all_reduce(finite, op='min')
            if finite.item():
                return update_params(loss, *args, **kwargs)
            terms = {name: float(value) for name, value in (self._terms or {}).items()}
            message = (f'non-finite loss at iteration {runner.iter + 1} (epoch '
                       f'{runner.epoch + 1}): {terms}')
            if self.action == 'stop':
                raise FloatingPointError(
                    f'{message}. Training stopped before the optimizer step, so the weights '
                    'and the saved checkpoints are finite; lower the lr or resume with '
                    "--resume, or use NonFiniteLossHook(action='skip')")
            self.skipped += 1
            runner.logger.warning(f'{message}: step skipped ({self.skipped} so far)')
            return None

        model.parse_losses = remember_terms
        runner.optim_wrapper.update_params = guarded_update

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuses to save weights that are not finite."""
        bad = [name for name, value in checkpoint.get('state_dict', {}).items()
               if torch.is_tensor(value) and value.is_floating_point()
               and not torch.isfinite(value).all()]
        if bad:
            raise FloatingPointError(
                f'refusing to save a checkpoint at iteration {runner.iter}: non-finite values '
                f'in {", ".join(bad[:5])}{" ..." if len(bad) > 5 else ""}')
