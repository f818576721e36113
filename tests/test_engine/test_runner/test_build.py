"""switch_on_run_guards: the training guards join any config once; the runner helpers of the
tools."""
import argparse
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import BaseLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import DataLoader

from conftest import REPO
from mfm_mm.engine.runner.build import (apply_train_args, load_config, stop_dataloader_workers,
                                        switch_on_run_guards)

MAE = osp.join(REPO, 'configs', 'famt', 'mae_vit-base-p16_8xb512-amp-coslr-400e_in1k.py')


def test_guards_join_once_and_the_epoch_loop_resumes_mid_epoch():
    cfg = Config(dict(custom_hooks=[dict(type='LatestCheckpointHook', interval=7)],
                      train_cfg=dict(by_epoch=True, max_epochs=2)))
    switch_on_run_guards(cfg)
    switch_on_run_guards(cfg)
    assert cfg.custom_hooks == [dict(type='LatestCheckpointHook', interval=7),
                                dict(type='WorkDirLockHook'), dict(type='ResumeCheckHook'),
                                dict(type='PretrainedGuardHook')]
    assert cfg.train_cfg == dict(type='MidEpochResumeTrainLoop', max_epochs=2)
    iter_based = Config(dict(train_cfg=dict(type='IterBasedTrainLoop', max_iters=10)))
    switch_on_run_guards(iter_based)
    assert iter_based.train_cfg.type == 'IterBasedTrainLoop'


def train_args(**given) -> argparse.Namespace:
    """tools/train.py's parsed flags, none given unless named."""
    flags = dict(resume=None, amp=False, no_validate=False, auto_scale_lr=False,
                 no_pin_memory=False, no_persistent_workers=False)
    return argparse.Namespace(**{**flags, **given})


def test_an_inherited_resume_in_a_used_work_dir_needs_resume_or_a_new_work_dir(tmp_path):
    cfg = load_config(MAE, work_dir=str(tmp_path))
    assert cfg.resume is True  # mmpretrain's MAE recipe
    apply_train_args(cfg, train_args())  # an empty work_dir: nothing to mix with
    torch.save({}, tmp_path / 'epoch_3.pth')
    with pytest.raises(ValueError) as raised:
        apply_train_args(load_config(MAE, work_dir=str(tmp_path)), train_args())
    assert str(raised.value) == (
        f'{MAE} sets resume=True itself (not --resume), and {tmp_path} already holds '
        'checkpoints (epoch_3.pth): add --resume to continue that run, or pass a new '
        '--work-dir to start a new one')
    resumed = apply_train_args(load_config(MAE, work_dir=str(tmp_path)),
                               train_args(resume='auto'))
    assert resumed.resume is True and resumed.load_from is None


class _Loop(BaseLoop):
    """An epoch loop, or with ``infinite`` the way mmengine's IterBasedTrainLoop holds its data."""

    def __init__(self, dataloader: DataLoader, infinite: bool) -> None:
        super().__init__(runner=None, dataloader=dataloader)
        if infinite:
            self.dataloader_iterator = _InfiniteDataloaderIterator(dataloader)

    def run(self) -> None:
        batches = getattr(self, 'dataloader_iterator', self.dataloader)
        for _, _ in zip(range(3), batches):
            pass


@pytest.mark.parametrize('persistent, infinite', [(True, False), (False, True), (True, True)])
def test_live_workers_end_with_the_run_not_at_a_later_collection(persistent, infinite):
    loader = DataLoader(list(range(8)), batch_size=2, num_workers=2,
                        persistent_workers=persistent)
    loop = _Loop(loader, infinite)
    loop.run()  # 3 of 4 batches: an iteration loop stops mid-pass
    workers = list((loop.dataloader_iterator if infinite else loader)._iterator._workers)
    assert all(worker.is_alive() for worker in workers)  # torch keeps them for the next batch
    runner = SimpleNamespace(_train_loop=loop, _val_loop=dict(type='ValLoop'), _test_loop=None)
    stop_dataloader_workers(runner)
    assert [worker.exitcode for worker in workers] == [0, 0]  # ended by the stop message
    stop_dataloader_workers(runner)  # nothing left: a second call does nothing
