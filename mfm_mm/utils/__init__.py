from .checkpoint import check_output_path, load_backbone_weights, load_release, save_weights
from .convert_weights import Release, from_official, to_classifier, to_mmpretrain, to_mmseg, vit_arch
from .config_check import check_config
from .cpu_fallback import adapt_to_cpu
from .resume import find_resumable_checkpoint, is_complete_checkpoint
from .runner_setup import build_runner, load_config

__all__ = ['adapt_to_cpu', 'check_config', 'find_resumable_checkpoint', 'is_complete_checkpoint', 'build_runner', 'load_config', 'load_backbone_weights',
           'save_weights', 'to_mmpretrain', 'to_mmseg', 'vit_arch', 'Release', 'check_output_path',
           'from_official', 'load_release', 'to_classifier']
