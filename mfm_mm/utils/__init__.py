from .checkpoint import check_output_path, load_backbone_weights, load_release, save_weights
from .config_check import check_config, crop_size, innermost_dataset
from .convert_weights import (Release, from_official, to_classifier, to_mmpretrain, to_mmseg,
                              vit_arch)
from .cpu_fallback import adapt_to_cpu
from .model import from_unit, to_unit, unwrap_model
from .options import check_choice, check_number
from .pipeline import find_transform, merge_by_type, transform_index
from .resume import find_resumable_checkpoint, is_complete_checkpoint
from .runner_setup import build_runner, load_config

__all__ = [
    'Release', 'adapt_to_cpu', 'build_runner', 'check_choice', 'check_config', 'check_number',
    'check_output_path', 'crop_size', 'find_resumable_checkpoint', 'find_transform',
    'from_official', 'from_unit', 'innermost_dataset', 'is_complete_checkpoint',
    'load_backbone_weights', 'load_config', 'load_release', 'merge_by_type', 'save_weights',
    'to_classifier', 'to_mmpretrain', 'to_mmseg', 'to_unit', 'transform_index', 'unwrap_model',
    'vit_arch'
]
