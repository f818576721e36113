from .algorithms import MFM
from .heads import MFMHead
from .losses import FrequencyLoss

__all__ = ['MFM', 'MFMHead', 'FrequencyLoss']
