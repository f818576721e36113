from .algorithms import MFM, ConMIM
from .heads import MFMHead
from .losses import FrequencyLoss, PatchInfoNCELoss

__all__ = ['MFM', 'MFMHead', 'FrequencyLoss', 'ConMIM', 'PatchInfoNCELoss']
