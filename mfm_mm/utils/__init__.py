from .model import from_unit, to_unit, unwrap_model
from .options import check_choice, check_number
from .pipeline import crop_size, find_transform, innermost_dataset, merge_by_type, transform_index

__all__ = [
    'check_choice', 'check_number', 'crop_size', 'find_transform', 'from_unit',
    'innermost_dataset', 'merge_by_type', 'to_unit', 'transform_index', 'unwrap_model'
]
