"""Features of images or folders from any of the project's models, pre-training ones too."""
import os
import os.path as osp
from typing import Callable, List, Union

import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmpretrain.apis import FeatureExtractor
from mmpretrain.registry import TRANSFORMS

from ..utils.pipeline import crop_size, innermost_dataset
from .model import ModelSpec, get_model

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp')


def eval_pipeline(config: Config) -> List[dict]:
    """The evaluation pipeline of a config, without its image loading.

    A downstream config has a test pipeline; a pre-training config (no ``test_dataloader``)
    gets one from its training crop: the short edge resized to the crop, a centre crop of
    that size, packed (no augmentation, no corruption).

    Args:
        config: A model's config.

    Returns:
        Transform configs that take a loaded image.

    Raises:
        ValueError: A pre-training pipeline without a crop step.
    """
    if 'test_dataloader' in config:
        pipeline = innermost_dataset(config.test_dataloader)['pipeline']
        return [step for step in pipeline if 'LoadImage' not in step['type']]
    size = crop_size(innermost_dataset(config.train_dataloader)['pipeline'])
    if size is None:
        raise ValueError(f'{config.filename}: its train pipeline has no crop step, so the '
                         'input size of the features is unknown')
    return [dict(type='ResizeEdge', scale=min(size), edge='short', backend='pillow',
                 interpolation='bicubic'),
            dict(type='CenterCrop', crop_size=size[::-1]),
            dict(type='PackInputs')]


def image_files(inputs: Union[str, List[str]]) -> List[str]:
    """The image files of a file, a folder (recursively, sorted) or a list of files.

    Args:
        inputs: An image path, a folder or a list of image paths.

    Returns:
        The image paths.
    """
    if isinstance(inputs, (list, tuple)):
        return list(inputs)
    if not osp.isdir(inputs):
        return [inputs]
    return sorted(osp.join(root, name) for root, _, names in os.walk(inputs)
                  for name in names if name.lower().endswith(IMAGE_SUFFIXES))


class MFMFeatureExtractor(FeatureExtractor):
    """mmpretrain's ``FeatureExtractor`` for the project's models and checkpoints.

    Takes a name of :func:`mfm_mm.apis.list_models` or any config, a pre-training config too
    (see :func:`eval_pipeline`), loads ``pretrained`` through :func:`mfm_mm.apis.get_model`
    (training checkpoints, converted files, official releases) and reads an image, a list of
    images or a folder of images.

    Args:
        model: A model name, a config file or a config.
        pretrained: The checkpoint; None keeps the config's initialisation.
        device: Where to run; default CPU.
        **kwargs: Overrides of the config's ``model`` dict.

    Example:
        >>> extractor = MFMFeatureExtractor('mfm_vit-4l-p7_cpu-demo_28px',
        ...                                 pretrained='work_dirs/demo/epoch_30.pth')
        >>> feats = extractor('data/demo_mnist/val', batch_size=64)
    """

    def __init__(self, model: ModelSpec, pretrained: Union[str, None] = None,
                 device: Union[str, torch.device, None] = None, **kwargs) -> None:
        super().__init__(get_model(model, pretrained, device=device, **kwargs))

    def _init_pipeline(self, cfg: Config) -> Callable:
        return Compose([TRANSFORMS.build(step) for step in eval_pipeline(cfg)])

    def _inputs_to_list(self, inputs) -> list:
        return image_files(inputs) if isinstance(inputs, (str, list, tuple)) else [inputs]

    @torch.no_grad()
    def forward(self, inputs: dict, **kwargs) -> list:
        """Features of one batch (a pre-training model's preprocessor returns a list)."""
        batch = self.model.data_preprocessor(inputs, False)['inputs']
        if isinstance(batch, list):  # SelfSupDataPreprocessor: one tensor per view
            batch = batch[0]
        outputs = self.model.extract_feat(batch, **kwargs)
        if isinstance(outputs, torch.Tensor):
            return list(outputs)
        return [type(outputs)(item[index] for item in outputs) for index in range(len(batch))]
