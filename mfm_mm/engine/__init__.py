from .hooks import FAMTRefreshHook
from .runner import MidEpochResumeTrainLoop

__all__ = ['FAMTRefreshHook', 'MidEpochResumeTrainLoop']
