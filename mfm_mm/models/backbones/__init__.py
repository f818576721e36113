from .channels_last_resnet import ChannelsLastResNet
from .famt_vit import FAMTViT
from .fused_beit_attention import FusedBEiTAttention
from .fused_beit_vit import FusedBEiTPretrainViT, FusedBEiTViT

__all__ = ['FAMTViT', 'FusedBEiTAttention', 'FusedBEiTViT', 'FusedBEiTPretrainViT',
           'ChannelsLastResNet']
