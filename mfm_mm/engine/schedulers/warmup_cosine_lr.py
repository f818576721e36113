"""Linear warm-up then cosine decay of the lr, in the closed form of each official code base."""
import math
from typing import List

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler
from mmpretrain.registry import PARAM_SCHEDULERS

CONVENTIONS = ('timm', 'beit', 'mae')


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    """Linear warm-up then cosine decay, one closed form over ``[begin, end)``.

    mmengine's ``LinearLR`` + ``CosineAnnealingLR`` pair restarts the cosine after the warm-up
    and scales every value by its group. The official code bases differ, and this scheduler
    gives each one's lr at every step ``t`` (counted from ``begin``; ``T = end - begin``, ``W``
    the warm-up, ``base`` a group's initial lr):

    - ``'timm'``: timm's ``CosineLRScheduler(t_initial=T, warmup_t=W, warmup_prefix=False)``,
      stepped per iteration as in the SimMIM / MFM code. The warm-up *replaces* the first ``W``
      steps of one cosine over all ``T`` steps (``base * cos`` at the absolute ``t / T``); the
      warm-up start and the floor are one value for every group (timm sets them absolutely).
    - ``'beit'``: the BEiT / ConMIM code's ``cosine_scheduler``: ``np.linspace`` warm-up (it
      reaches ``base`` at step ``W - 1``), then a cosine over the remaining ``T - W`` steps;
      every value times the group's scale.
    - ``'mae'``: MAE's ``adjust_learning_rate``: warm-up ``t / W``, then a cosine over the
      remaining ``T - W`` steps; every value times the group's scale.

    Args:
        optimizer: The wrapped optimizer.
        warmup: Warm-up length in steps (epochs with ``convert_to_iter_based``).
        warmup_ratio: Warm-up start, a fraction of the lr. For ``'timm'`` of the optimizer's
            lr (one value for all groups), otherwise of each group's.
        min_ratio: Final lr, the same kind of fraction.
        convention: ``'timm'``, ``'beit'`` or ``'mae'``.
        begin: First step of the schedule.
        end: Step after the last; the cosine reaches ``min_ratio`` there.
        last_step: Step to resume from, as in mmengine.
        by_epoch: Steps are epochs.
        verbose: Print every update.
    """

    def __init__(self, optimizer, warmup: int, warmup_ratio: float = 0.0,
                 min_ratio: float = 0.0, convention: str = 'timm', begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if convention not in CONVENTIONS:
            raise ValueError(f'WarmupCosineLR: convention must be one of {CONVENTIONS}, got '
                             f'{convention!r}')
        if end == INF or not 0 <= warmup < end - begin:
            raise ValueError(f'WarmupCosineLR: needs a finite end and 0 <= warmup < end - begin, '
                             f'got warmup={warmup}, begin={begin}, end={end}')
        self.warmup = warmup
        self.warmup_ratio = warmup_ratio
        self.min_ratio = min_ratio
        self.convention = convention
        inner = getattr(optimizer, 'optimizer', optimizer)
        self.optimizer_lr = inner.defaults['lr']
        super().__init__(optimizer, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, warmup: int, begin: int = 0, end: int = INF,
                              by_epoch: bool = True, epoch_length: int = None, **kwargs):
        """Builds the per-iteration scheduler from epoch-based arguments.

        Args:
            *args: ``optimizer``.
            warmup: Warm-up epochs.
            begin: First epoch.
            end: Epoch after the last.
            by_epoch: Must be True.
            epoch_length: Iterations per epoch.
            **kwargs: The other arguments.

        Returns:
            WarmupCosineLR: stepped per iteration.
        """
        assert by_epoch and epoch_length, 'convert_to_iter_based needs by_epoch=True'
        end = end if end == INF else int(end * epoch_length)
        return cls(*args, warmup=int(warmup * epoch_length), begin=int(begin * epoch_length),
                   end=end, by_epoch=False, **kwargs)

    def value_at(self, step: int, base: float) -> float:
        """The lr of a group with initial lr ``base`` at ``step`` steps after ``begin``.

        Args:
            step: Steps since ``begin``.
            base: The group's initial lr.

        Returns:
            The lr.
        """
        total = self.end - self.begin
        if self.convention == 'timm':
            start = self.warmup_ratio * self.optimizer_lr
            floor = self.min_ratio * self.optimizer_lr
        else:
            start, floor = self.warmup_ratio * base, self.min_ratio * base
        if step < self.warmup:
            span = max(self.warmup - 1, 1) if self.convention == 'beit' else self.warmup
            return start + (base - start) * step / span
        if self.convention == 'timm':
            progress = step / total
        else:
            progress = (step - self.warmup) / (total - self.warmup)
        return floor + 0.5 * (base - floor) * (1 + math.cos(math.pi * progress))

    def _get_value(self) -> List[float]:
        """The lr of every group at the current step."""
        return [self.value_at(self.last_step, base) for base in self.base_values]
