from .hooks import FAMTRefreshHook
from .runner import MidEpochResumeTrainLoop
from .schedulers import WarmupCosineLR

__all__ = ['FAMTRefreshHook', 'MidEpochResumeTrainLoop', 'WarmupCosineLR']
