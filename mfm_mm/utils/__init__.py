from .checkpoint import load_backbone_weights, save_weights
from .convert_weights import to_mmpretrain, to_mmseg
from .cpu_fallback import adapt_to_cpu
from .runner_setup import build_runner, load_config

__all__ = ['adapt_to_cpu', 'build_runner', 'load_config', 'load_backbone_weights',
           'save_weights', 'to_mmpretrain', 'to_mmseg']
