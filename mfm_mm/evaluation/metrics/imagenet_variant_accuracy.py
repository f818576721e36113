"""Top-1 accuracy of a 1000-way ImageNet classifier on ImageNet-A / -R / -Sketch."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from .imagenet_wnids import wnid_indices


@METRICS.register_module()
class ImageNetVariantAccuracy(BaseMetric):
    """Top-1 accuracy on a test set stored in one folder per ImageNet wnid.

    The classifier's 1000 logits are restricted to the dataset's classes before the argmax,
    the standard protocol of ImageNet-A and ImageNet-R (200 classes each); for ImageNet-Sketch
    (all 1000 classes) the restriction is the identity. The classes come from the dataset's
    ``metainfo['classes']`` (``CustomDataset`` names them after the scanned folders).

    Data layout (``CustomDataset(data_root=..., with_label=True)``, no annotation file)::

        data/imagenet-r/n01443537/art_0.jpg ...   # 200 wnid folders
        data/imagenet-a/n01498041/0.000116_digital clock _ digital clock_0.865662.jpg ...
        data/imagenet-sketch/sketch/n01440764/sketch_0.JPEG ...   # 1000 wnid folders

    Args:
        collect_device: ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix: Prefix of the metric names, e.g. ``'imagenet-r'``.
    """

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keeps each sample's 1000 scores, label and image path.

        Args:
            data_batch: The batch (unused).
            data_samples: Outputs of the classifier's ``predict``.
        """
        for sample in data_samples:
            self.results.append(
                dict(pred_score=sample['pred_score'].cpu(), gt_label=int(sample['gt_label']),
                     img_path=sample.get('img_path', '')))

    def correct(self, results: List[dict]) -> np.ndarray:
        """Whether each sample's top-1 among the dataset's classes is its label, ``(N,)``."""
        if not self.dataset_meta or 'classes' not in self.dataset_meta:
            raise ValueError(f'{type(self).__name__} needs the dataset classes (wnids) in '
                             'dataset_meta')
        indices = torch.from_numpy(wnid_indices(self.dataset_meta['classes']))
        scores = torch.stack([result['pred_score'] for result in results])  # (N, 1000)
        if scores.shape[1] != 1000:
            raise ValueError(f'{type(self).__name__} expects 1000 ImageNet scores per image, '
                             f'got {scores.shape[1]}')
        pred = scores[:, indices].argmax(dim=1)  # index into the dataset's classes
        labels = torch.tensor([result['gt_label'] for result in results])
        return (pred == labels).numpy()

    def compute_metrics(self, results: List[dict]) -> dict:
        """Returns ``dict(top1=...)`` in percent."""
        return dict(top1=100. * float(self.correct(results).mean()))
