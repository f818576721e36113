from .algorithms import FAMTMAE, MFM, ConMIM, FrequencySimMIM
from .backbones import (ChannelsLastResNet, FAMTViT, FusedBEiTAttention, FusedBEiTPretrainViT,
                        FusedBEiTViT)
from .corruptions import (FrequencyMaskCorruption, GaussianBlurCorruption,
                          GaussianNoiseCorruption, SuperResolutionCorruption)
from .losses import FrequencyLoss, PatchInfoNCELoss
from .necks import FAMTPretrainDecoder

__all__ = ['MFM', 'FrequencySimMIM', 'FrequencyLoss', 'ConMIM', 'PatchInfoNCELoss', 'FAMTMAE',
           'FAMTViT', 'FusedBEiTAttention', 'FusedBEiTViT', 'FusedBEiTPretrainViT',
           'ChannelsLastResNet', 'FAMTPretrainDecoder', 'FrequencyMaskCorruption',
           'GaussianBlurCorruption', 'GaussianNoiseCorruption', 'SuperResolutionCorruption']
