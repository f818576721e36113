"""Clean and adversarial top-1 accuracy, with the predictions of ``AdversarialTestLoop``."""
from typing import List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


@METRICS.register_module()
class AdversarialAccuracy(BaseMetric):
    """Top-1 accuracy on clean images and under attack.

    Needs ``test_cfg=dict(type='AdversarialTestLoop', ...)``, which stores the adversarial
    scores as ``pred_score`` and the clean ones as ``clean_pred_score``. Data layout: any
    labelled classification set, e.g. the ImageNet validation set in mmpretrain's layout
    (``data/imagenet/meta/val.txt``, ``data/imagenet/val/*.JPEG``).

    Args:
        collect_device: ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix: Prefix of the metric names, e.g. ``'pgd'``.
    """

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keeps the clean and adversarial top-1 predictions and the label."""
        for sample in data_samples:
            if 'clean_pred_score' not in sample:
                raise ValueError('AdversarialAccuracy needs clean_pred_score: set '
                                 "test_cfg=dict(type='AdversarialTestLoop', ...)")
            self.results.append(
                dict(clean=int(sample['clean_pred_score'].argmax()),
                     adversarial=int(sample['pred_score'].argmax()),
                     gt_label=int(sample['gt_label'])))

    def compute_metrics(self, results: List[dict]) -> dict:
        """Returns ``clean_top1``, ``adv_top1`` (percent)."""
        labels = torch.tensor([r['gt_label'] for r in results])
        clean = torch.tensor([r['clean'] for r in results]) == labels
        adversarial = torch.tensor([r['adversarial'] for r in results]) == labels
        return dict(clean_top1=100. * clean.float().mean().item(),
                    adv_top1=100. * adversarial.float().mean().item())
