from .hooks import FAMTRefreshHook
from .optimizers import FrozenParamsOptimWrapperConstructor
from .runner import (MidEpochResumeTrainLoop, adapt_to_cpu, apply_train_args, build_runner,
                     load_checkpoint_file, load_config)
from .schedulers import WarmupCosineLR

__all__ = ['FAMTRefreshHook', 'FrozenParamsOptimWrapperConstructor', 'MidEpochResumeTrainLoop',
           'WarmupCosineLR', 'adapt_to_cpu', 'apply_train_args', 'build_runner',
           'load_checkpoint_file', 'load_config']
