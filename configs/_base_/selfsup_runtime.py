# Runtime of self-supervised pre-training (MFM, ConMIM): mmpretrain's defaults, checkpoints
# every 10 epochs (last 3 kept) written atomically, safe checkpoint loading with resume from
# the newest complete checkpoint, per-epoch seeding (exact resume) and a stop on non-finite
# losses before they reach the weights; a latest.pth every 500 iterations and on pre-emption
# signals, one live run per work_dir, and --resume refused into a changed model or schedule.
_base_ = 'mmpretrain::_base_/default_runtime.py'

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook', interval=10, max_keep_ckpts=3,
        backend_args=dict(backend='atomic_local')))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook', action='stop'),
    dict(type='SafeCheckpointHook'),
    # latest.pth every 500 iterations (one kept) and on SIGTERM / SIGUSR1 (then exits)
    dict(type='LatestCheckpointHook', interval=500),
    dict(type='WorkDirLockHook'),
    dict(type='ResumeCheckHook'),
]

randomness = dict(seed=0, diff_rank_seed=True)

# torch.compile of the train step (mmengine), off by default. `compile=True` uses inductor;
# the FFTs stay eager kernels there (inductor has no complex codegen).
compile = False
