from .checkpoint import load_backbone_weights, save_weights
from .convert_weights import to_mmpretrain, to_mmseg, vit_arch
from .config_check import check_config, crop_size, innermost_dataset
from .cpu_fallback import adapt_to_cpu
from .model import from_unit, to_unit, unwrap_model
from .options import check_choice, check_number
from .pipeline import find_transform, transform_index
from .resume import find_resumable_checkpoint, is_complete_checkpoint
from .runner_setup import build_runner, load_config

__all__ = ['adapt_to_cpu', 'check_choice', 'check_config', 'check_number', 'crop_size',
           'find_transform', 'from_unit', 'innermost_dataset', 'to_unit', 'transform_index',
           'unwrap_model', 'find_resumable_checkpoint', 'is_complete_checkpoint', 'build_runner', 'load_config', 'load_backbone_weights',
           'save_weights', 'to_mmpretrain', 'to_mmseg', 'vit_arch']
