from .hooks import FAMTRefreshHook
from .optimizers import FrozenParamsOptimWrapperConstructor
from .runner import MidEpochResumeTrainLoop
from .schedulers import WarmupCosineLR

__all__ = ['FAMTRefreshHook', 'FrozenParamsOptimWrapperConstructor', 'MidEpochResumeTrainLoop',
           'WarmupCosineLR']
