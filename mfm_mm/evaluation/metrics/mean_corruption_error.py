"""ImageNet-C: mean corruption error (mCE) normalised by AlexNet."""
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmpretrain.registry import METRICS

from .alexnet_errors import ALEXNET_ERRORS, SEVERITIES, STANDARD_CORRUPTIONS
from .imagenet_variant_accuracy import ImageNetVariantAccuracy


@METRICS.register_module()
class MeanCorruptionError(ImageNetVariantAccuracy):
    """Corruption errors and their mean on ImageNet-C.

    Per corruption ``c``, ``CE_c = mean_s E_{c,s} / mean_s E^AlexNet_{c,s}`` over the five
    severities ``s``, with ``E`` the top-1 error; ``mCE`` is the mean of ``CE_c`` over
    ``corruptions`` (the 15 standard ones by default). All in percent; also reports the
    unnormalised mean error and each ``CE_c``.

    Data layout: one ``CustomDataset`` per corruption and severity, concatenated
    (``configs/robustness/vit-base-p16_imagenet-c.py``); the corruption and severity are read
    from each image's path::

        data/imagenet-c/<corruption>/<severity 1-5>/<wnid>/<ILSVRC2012_val_*.JPEG>

    Args:
        corruptions: Corruptions entering the mCE; each needs all five severities.
        collect_device: ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix: Prefix of the metric names. Defaults to ``'imagenet-c'``.
    """

    def __init__(self, corruptions: Sequence[str] = STANDARD_CORRUPTIONS,
                 collect_device: str = 'cpu', prefix: Optional[str] = 'imagenet-c') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = [c for c in corruptions if c not in ALEXNET_ERRORS]
        if unknown or not corruptions:
            raise ValueError(f'MeanCorruptionError: corruptions {unknown or corruptions} have no '
                             f'AlexNet error; known: {", ".join(ALEXNET_ERRORS)}')
        self.corruptions = tuple(corruptions)

    @staticmethod
    def corruption_and_severity(img_path: str):
        """``.../<corruption>/<severity>/<wnid>/<file>`` -> ``(corruption, severity)``."""
        severity_dir = osp.dirname(osp.dirname(img_path))
        severity = osp.basename(severity_dir)
        if not severity.isdigit() or int(severity) not in SEVERITIES:
            raise ValueError(f'MeanCorruptionError: {img_path} is not in the ImageNet-C layout '
                             '<corruption>/<severity 1-5>/<wnid>/<file>')
        return osp.basename(osp.dirname(severity_dir)), int(severity)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Returns ``mCE``, ``error`` and ``CE/<corruption>`` in percent."""
        correct = self.correct(results)
        groups = defaultdict(list)
        for result, hit in zip(results, correct):
            groups[self.corruption_and_severity(result['img_path'])].append(hit)
        errors = {key: 1. - float(np.mean(hits)) for key, hits in groups.items()}
        metrics = {'error': 100. * (1. - float(correct.mean()))}
        for corruption in self.corruptions:
            missing = [s for s in SEVERITIES if (corruption, s) not in errors]
            if missing:
                raise ValueError(f'MeanCorruptionError: no images of {corruption} at severities '
                                 f'{missing}')
            mean_error = np.mean([errors[corruption, s] for s in SEVERITIES])
            metrics[f'CE/{corruption}'] = 100. * mean_error / ALEXNET_ERRORS[corruption]
        metrics['mCE'] = float(np.mean([metrics[f'CE/{c}'] for c in self.corruptions]))
        return metrics
