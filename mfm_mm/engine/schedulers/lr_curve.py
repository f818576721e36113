"""The lr of every iteration of a config's schedule, built as mmengine's Runner builds it."""
from typing import List, Sequence, Union

import numpy as np
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmpretrain.registry import PARAM_SCHEDULERS


def lr_curve(param_scheduler: Union[dict, Sequence[dict]], lr: float, epoch_length: int,
             max_epochs: int, lr_scales: Sequence[float] = (1.0, )) -> np.ndarray:
    """Steps a config's ``param_scheduler`` through a whole run on a dummy optimizer.

    Args:
        param_scheduler: The config's ``param_scheduler`` (a dict or a list of dicts).
        lr: The optimizer's lr.
        epoch_length: Iterations per epoch.
        max_epochs: Epochs of the run.
        lr_scales: One parameter group per scale, with initial lr ``lr * scale`` (as a
            layer-decay constructor makes them).

    Returns:
        ``(max_epochs * epoch_length, len(lr_scales))``: the lr of each group at each
        iteration, as the optimizer step of that iteration sees it.
    """
    groups = [dict(params=[torch.nn.Parameter(torch.zeros(1))], lr=lr * scale)
              for scale in lr_scales]
    wrapper = OptimWrapper(torch.optim.AdamW(groups, lr=lr))
    configs = [param_scheduler] if isinstance(param_scheduler, dict) else param_scheduler
    schedulers = []
    for cfg in configs:
        cfg = dict(cfg)
        args = dict(optimizer=wrapper)
        if cfg.get('convert_to_iter_based'):
            args['epoch_length'] = epoch_length
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            schedulers.append(PARAM_SCHEDULERS.build(cfg, default_args=args))
    values: List[List[float]] = []
    for epoch in range(max_epochs):
        for _ in range(epoch_length):
            values.append([group['lr'] for group in wrapper.optimizer.param_groups])
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()
        for scheduler in schedulers:
            if scheduler.by_epoch:
                scheduler.step()
    return np.asarray(values)
