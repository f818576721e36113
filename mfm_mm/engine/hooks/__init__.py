from .compile_modules_hook import CompileModulesHook, compile_modules
from .epoch_seed_hook import EpochSeedHook
from .famt_refresh_hook import FAMTRefreshHook
from .nonfinite_loss_hook import NonFiniteLossHook
from .pretrained_guard_hook import PretrainedGuardHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['EpochSeedHook', 'NonFiniteLossHook', 'FAMTRefreshHook', 'CompileModulesHook',
           'compile_modules', 'SafeCheckpointHook', 'PretrainedGuardHook']
