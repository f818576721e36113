from .compile_modules_hook import CompileModulesHook, compile_modules
from .epoch_seed_hook import EpochSeedHook
from .famt_refresh_hook import FAMTRefreshHook
from .latest_checkpoint_hook import LatestCheckpointHook
from .nonfinite_loss_hook import NonFiniteLossHook
from .pretrained_guard_hook import PretrainedGuardHook
from .resume_check_hook import ResumeCheckHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .work_dir_lock_hook import WorkDirLockHook

__all__ = ['EpochSeedHook', 'NonFiniteLossHook', 'FAMTRefreshHook', 'CompileModulesHook',
           'compile_modules', 'SafeCheckpointHook', 'PretrainedGuardHook', 'LatestCheckpointHook',
           'ResumeCheckHook', 'WorkDirLockHook']
