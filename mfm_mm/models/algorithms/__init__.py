from .conmim import ConMIM
from .famt_mae import FAMTMAE
from .mfm import MFM

__all__ = ['MFM', 'ConMIM', 'FAMTMAE']
