"""mmpretrain's RandomResizedCrop that also records where it cropped."""
import numpy as np
from mmcv.transforms.utils import cache_random_params
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomResizedCropWithBox(RandomResizedCrop):
    """``RandomResizedCrop`` (same arguments, same crop) that records its crop box.

    What must follow the crop (FAMT's weight maps, resampled in ``FAMTMAE``) reads the box;
    pack it with ``PackInputs(algorithm_keys=['crop_box'])``. The crop parameters are drawn
    once and reused by the parent's ``transform`` through mmcv's ``cache_random_params``.

    Added keys:

    - ``crop_box`` (np.ndarray, ``(4,)`` float32): ``(x1, y1, x2, y2)`` of the cropped region
      as fractions of the input image's width and height, end exclusive.
    """

    def transform(self, results: dict) -> dict:
        """Crops and resizes ``results['img']`` and records the box.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The same dict, cropped, with ``crop_box``.
        """
        height, width = results['img'].shape[:2]
        with cache_random_params(self):
            offset_h, offset_w, target_h, target_w = self.rand_crop_params(results['img'])
            results = super().transform(results)
        results['crop_box'] = np.array(
            [offset_w / width, offset_h / height, (offset_w + target_w) / width,
             (offset_h + target_h) / height], dtype=np.float32)
        return results
