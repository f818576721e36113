"""Python API: the project's models by name, their weights, and features of images.

``list_models`` / ``get_model`` work like mmpretrain's, on the names of ``model-index.yml``
(``mim search mfm_mm``); weights load through the project's safe loader on every torch.
"""
from .feature_extractor import MFMFeatureExtractor, eval_pipeline, image_files
from .model import get_config, get_model
from .model_index import index_root, list_models, model_info
from .pretrained import load_pretrained

__all__ = [
    'MFMFeatureExtractor', 'eval_pipeline', 'get_config', 'get_model', 'image_files',
    'index_root', 'list_models', 'load_pretrained', 'model_info'
]
