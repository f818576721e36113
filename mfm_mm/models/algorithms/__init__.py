from .mfm import MFM

__all__ = ['MFM']
