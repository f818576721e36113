from .hooks import FAMTRefreshHook
from .optimizers import FrozenParamsOptimWrapperConstructor
from .runner import MidEpochResumeTrainLoop

__all__ = ['FAMTRefreshHook', 'FrozenParamsOptimWrapperConstructor', 'MidEpochResumeTrainLoop']
