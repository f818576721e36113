from .epoch_seed_hook import EpochSeedHook
from .famt_refresh_hook import FAMTRefreshHook
from .latest_checkpoint_hook import LatestCheckpointHook
from .nonfinite_loss_hook import NonFiniteLossHook
from .resume_check_hook import ResumeCheckHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .work_dir_lock_hook import WorkDirLockHook

__all__ = ['EpochSeedHook', 'NonFiniteLossHook', 'FAMTRefreshHook', 'SafeCheckpointHook',
           'LatestCheckpointHook', 'ResumeCheckHook', 'WorkDirLockHook']
