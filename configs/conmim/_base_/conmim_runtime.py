# Runtime of ConMIM pre-training: mmpretrain's defaults, checkpoints every 10 epochs (last 3
# kept); the teacher and its momentum schedule position are part of the model's state.
_base_ = 'mmpretrain::_base_/default_runtime.py'

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=3))

randomness = dict(seed=0, diff_rank_seed=True)
