"""mmpretrain's RandomResizedCrop that also records where it cropped."""
import numpy as np
from mmcv.transforms.utils import cache_random_params
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomResizedCropWithBox(RandomResizedCrop):
    """``RandomResizedCrop`` (same arguments, same crop) that records its crop box.

    Later transforms that must follow the crop (``FAMTWeightMap``) read the box. The crop
    parameters are drawn once and reused by the parent's ``transform`` through mmcv's
    ``cache_random_params``.

    Added keys:

    - ``crop_bbox`` (np.ndarray, ``(4,)`` float32): ``(x1, y1, x2, y2)`` of the cropped region
      in pixels of the input image, end exclusive.
    - ``crop_input_shape`` (tuple): ``(H, W)`` of the input image.
    """

    def transform(self, results: dict) -> dict:
        """Crops and resizes ``results['img']`` and records the box.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The same dict, cropped, with ``crop_bbox`` and ``crop_input_shape``.
        """
        img = results['img']
        with cache_random_params(self):
            offset_h, offset_w, target_h, target_w = self.rand_crop_params(img)
            results = super().transform(results)
        results['crop_bbox'] = np.array(
            [offset_w, offset_h, offset_w + target_w, offset_h + target_h], dtype=np.float32)
        results['crop_input_shape'] = img.shape[:2]
        return results
