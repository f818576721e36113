"""Seeds every sample's augmentations from the sample itself, not from the worker."""
import multiprocessing
import random

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


def derived_seed(*keys: int, stream: int = 0) -> int:
    """A 31-bit seed from non-negative integer keys; ``stream`` keeps different uses of the same
    keys apart (numpy's ``SeedSequence`` spawn key)."""
    spawn_key = (stream, ) if stream else ()
    return int(np.random.SeedSequence(list(keys), spawn_key=spawn_key).generate_state(1)[0] >> 1)


@TRANSFORMS.register_module()
class SeedFromSample(BaseTransform):
    """Seeds python's, numpy's and torch's generators from ``(seed, results['sample_idx'])``.

    First in a pipeline, every random step after it draws the same for a sample whichever
    process runs it, so an epoch's augmentations depend on the seed and the epoch only, not on
    ``num_workers``. :class:`EpochSeedHook` puts it in the train pipeline and sets ``seed``
    before every epoch; it lives in shared memory, so persistent workers read the current one.

    Args:
        seed: The epoch's seed. Defaults to 0.
    """

    def __init__(self, seed: int = 0) -> None:
        self._seed = multiprocessing.RawValue('q', seed)

    @property
    def seed(self) -> int:
        """The epoch's seed, as every process running this step sees it."""
        return self._seed.value

    @seed.setter
    def seed(self, value: int) -> None:
        self._seed.value = value

    def transform(self, results: dict) -> dict:
        """Seeds the generators; ``results`` pass unchanged."""
        if 'sample_idx' not in results:
            raise KeyError(f'SeedFromSample: the dataset gives no sample_idx (keys: '
                           f'{sorted(results)}); mmengine BaseDataset subclasses do')
        seed = derived_seed(self.seed, results['sample_idx'], stream=1)
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(seed={self.seed})'
