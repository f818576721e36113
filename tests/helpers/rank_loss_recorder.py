"""Test-only hook: every rank writes its per-iteration losses to ``work_dir/losses_rank{r}.json``."""
import json
import os.path as osp

from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class RankLossRecorderHook(Hook):
    """Records ``outputs['loss']`` of each iteration on every rank."""

    def __init__(self) -> None:
        self.losses = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.losses.append(float(outputs['loss']))

    def after_train(self, runner) -> None:
        with open(osp.join(runner.work_dir, f'losses_rank{get_rank()}.json'), 'w') as f:
            json.dump(self.losses, f)
