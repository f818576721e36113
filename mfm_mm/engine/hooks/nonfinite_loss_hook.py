"""Stops (or skips) a training step whose loss is NaN or infinite, before it touches weights."""
from typing import List

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import HOOKS

from ...utils.model import unwrap_model

ACTIONS = ('stop', 'skip')


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Guards the optimizer step against non-finite losses and checkpoints against NaN weights.

    A forward hook on the model sees the loss terms of each training forward: with
    ``action='stop'`` a non-finite term raises there, before backward; with ``'skip'`` an
    optimizer step pre-hook clears the step's gradients, so the optimizer (weights, moments,
    step counts) is left as it was. The ranks agree (one all-reduce of a flag). No checkpoint
    with non-finite weights is ever saved.

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
        self._drop_grads = False
        self._handles: List = []

    def before_train(self, runner) -> None:
        """Registers the forward hook and the optimizer step pre-hooks."""
        wrappers = runner.optim_wrapper
        wrappers = wrappers.values() if isinstance(wrappers, OptimWrapperDict) else [wrappers]
        self._handles = [unwrap_model(runner.model).register_forward_hook(
            lambda module, args, kwargs, output: self._check(runner, kwargs, output),
            with_kwargs=True)]
        self._handles += [w.optimizer.register_step_pre_hook(self._clear_grads) for w in wrappers]

    def after_run(self, runner) -> None:
        """Removes the hooks."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _check(self, runner, kwargs: dict, output) -> None:
        """After a training forward: stops, or marks the step to skip, on a non-finite loss."""
        if kwargs.get('mode') != 'loss' or not isinstance(output, dict):
            return
        terms = {}  # the terms that BaseModel.parse_losses sums (names with 'loss'), as means
        for name, value in output.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            if 'loss' in name and all(torch.is_tensor(v) for v in values):
                terms[name] = [v.detach().float().mean() for v in values]
        means = [mean for values in terms.values() for mean in values]
        finite = torch.isfinite(torch.stack(means)).all().float() if means else torch.ones(())
        all_reduce(finite, op='min')  # all ranks stop or skip together
        if finite.item():  # the step's one device sync
            return
        terms = {name: sum(float(mean) for mean in values) for name, values in terms.items()}
        message = (f'non-finite loss at iteration {runner.iter + 1} (epoch '
                   f'{runner.epoch + 1}): {terms}')
        if self.action == 'stop':
            raise FloatingPointError(
                f'{message}. Training stopped before the optimizer step, so the weights and the '
                'saved checkpoints are finite; lower the lr or resume with --resume, or use '
                "NonFiniteLossHook(action='skip')")
        self.skipped += 1
        self._drop_grads = True
        runner.logger.warning(f'{message}: step skipped ({self.skipped} so far)')

    def _clear_grads(self, optimizer: torch.optim.Optimizer, args, kwargs) -> None:
        """Before a step after a non-finite loss: no gradients, so nothing is updated."""
        if self._drop_grads:
            optimizer.zero_grad(set_to_none=True)
            self._drop_grads = False

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuses to save weights that are not finite."""
        bad = [name for name, value in checkpoint.get('state_dict', {}).items()
               if torch.is_tensor(value) and value.is_floating_point()
               and not torch.isfinite(value).all()]
        if bad:
            raise FloatingPointError(
                f'refusing to save a checkpoint at iteration {runner.iter}: non-finite values '
                f'in {", ".join(bad[:5])}{" ..." if len(bad) > 5 else ""}')
