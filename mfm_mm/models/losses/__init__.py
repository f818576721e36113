from .frequency_loss import FrequencyLoss
from .patch_infonce_loss import PatchInfoNCELoss

__all__ = ['FrequencyLoss', 'PatchInfoNCELoss']
