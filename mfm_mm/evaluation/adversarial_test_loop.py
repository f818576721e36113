"""Test loop that evaluates a classifier on clean and adversarially perturbed images."""
from typing import Dict, List, Sequence, Union

import torch
from mmengine.runner import TestLoop
from mmpretrain.registry import LOOPS
from mmpretrain.structures import DataSample
from torch.utils.data import DataLoader

from ..utils.model import from_unit, to_unit, unwrap_model
from .attacks import pgd_attack


@LOOPS.register_module()
class AdversarialTestLoop(TestLoop):
    """mmengine's ``TestLoop`` with an FGSM / PGD attack on every batch.

    The attack runs in pixel space (``[0, 1]``, before the classifier's normalisation) against
    the model in eval mode. Each output sample carries the adversarial ``pred_score`` and the
    clean ``clean_pred_score``, for ``AdversarialAccuracy``.

    Args:
        runner: The runner.
        dataloader: Test dataloader (config).
        evaluator: Test evaluator (config).
        eps: L-infinity radius on the ``[0, 1]`` scale. Defaults to 1 / 255.
        step_size: Step size. Defaults to ``eps`` (FGSM).
        steps: Number of steps; 1 with ``step_size=eps`` and no random start is FGSM.
        random_start: Whether to start from a random point of the ball (PGD).
        fp16: Whether the predictions run under autocast. Defaults to False.
    """

    def __init__(self, runner, dataloader: Union[DataLoader, Dict],
                 evaluator: Union[Dict, List], eps: float = 1 / 255,
                 step_size: float = None, steps: int = 1, random_start: bool = False,
                 fp16: bool = False) -> None:
        if not 0 < eps < 1:
            raise ValueError(f'AdversarialTestLoop: eps must be in (0, 1) (pixel scale), got {eps}')
        if not (isinstance(steps, int) and steps >= 1):
            raise ValueError(f'AdversarialTestLoop: steps must be an int >= 1, got {steps}')
        super().__init__(runner, dataloader, evaluator, fp16=fp16)
        self.eps, self.steps, self.random_start = eps, steps, random_start
        self.step_size = eps if step_size is None else step_size

    def run_iter(self, idx: int, data_batch: Sequence[dict]) -> None:
        """Predicts the clean batch, attacks it, predicts the adversarial batch.

        Args:
            idx: Index of the batch.
            data_batch: The batch from the dataloader.
        """
        self.runner.call_hook('before_test_iter', batch_idx=idx, data_batch=data_batch)
        model = unwrap_model(self.runner.model)
        with torch.no_grad():
            data = model.data_preprocessor(data_batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        mean, std = model.data_preprocessor.mean, model.data_preprocessor.std  # 0-255 scale
        labels = torch.cat([sample.gt_label for sample in samples]).to(inputs.device)
        adv = pgd_attack(lambda unit: model(inputs=from_unit(unit, mean, std), mode='tensor'),
                         to_unit(inputs, mean, std), labels, self.eps, self.step_size,
                         self.steps, self.random_start)
        outputs = self._predict(model, inputs, samples)
        clean = [sample.pred_score for sample in outputs]
        outputs = self._predict(model, from_unit(adv, mean, std), outputs)
        for sample, score in zip(outputs, clean):
            sample.set_field(score, 'clean_pred_score')
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook('after_test_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)

    @torch.no_grad()
    def _predict(self, model, inputs: torch.Tensor,
                 samples: List[DataSample]) -> List[DataSample]:
        with torch.autocast(device_type=inputs.device.type, enabled=self.fp16):
            return model(inputs=inputs, data_samples=samples, mode='predict')
