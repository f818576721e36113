from .algorithms import FAMTMAE, MFM, ConMIM
from .backbones import FAMTViT
from .corruptions import (FrequencyMaskCorruption, GaussianBlurCorruption,
                          GaussianNoiseCorruption, SuperResolutionCorruption)
from .heads import MFMHead
from .losses import FrequencyLoss, PatchInfoNCELoss
from .necks import FAMTPretrainDecoder

__all__ = ['MFM', 'MFMHead', 'FrequencyLoss', 'ConMIM', 'PatchInfoNCELoss', 'FAMTMAE',
           'FAMTViT', 'FAMTPretrainDecoder', 'FrequencyMaskCorruption',
           'GaussianBlurCorruption', 'GaussianNoiseCorruption', 'SuperResolutionCorruption']
