from .conmim import ConMIM
from .famt_mae import FAMTMAE
from .frequency_simmim import FrequencySimMIM
from .mfm import MFM

__all__ = ['MFM', 'ConMIM', 'FAMTMAE', 'FrequencySimMIM']
