from .lr_curve import lr_curve
from .warmup_cosine_lr import WarmupCosineLR

__all__ = ['WarmupCosineLR', 'lr_curve']
