"""switch_on_run_guards: the training guards join any config once."""
from mmengine.config import Config

from mfm_mm.utils.runner_setup import switch_on_run_guards


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
