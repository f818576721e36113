from .algorithms import FAMTMAE, MFM, ConMIM
from .backbones import FAMTViT
from .heads import MFMHead
from .losses import FrequencyLoss, PatchInfoNCELoss
from .necks import FAMTPretrainDecoder

__all__ = ['MFM', 'MFMHead', 'FrequencyLoss', 'ConMIM', 'PatchInfoNCELoss', 'FAMTMAE',
           'FAMTViT', 'FAMTPretrainDecoder']
