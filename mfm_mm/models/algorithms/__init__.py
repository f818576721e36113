from .conmim import ConMIM
from .mfm import MFM

__all__ = ['MFM', 'ConMIM']
