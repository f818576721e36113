from .mfm_head import MFMHead

__all__ = ['MFMHead']
