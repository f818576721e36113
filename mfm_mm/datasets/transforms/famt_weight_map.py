"""FAMT's per-image sampling weights, cropped and flipped like the image."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

FLIP_DIMS = {'horizontal': (-1, ), 'vertical': (-2, ), 'diagonal': (-2, -1)}


def crop_weight_map(weight_map: torch.Tensor, box: Sequence[float], out_size: Tuple[int, int],
                    flip_direction: Optional[str] = None, samples: int = 4) -> torch.Tensor:
    """Resamples a whole-image map to the patch grid of a crop, then flips it.

    Each output cell is the mean of ``samples x samples`` bilinear samples of ``weight_map``
    spread over the part of the crop that the cell covers (the map's cells cover the whole
    image uniformly, whatever its aspect ratio).

    Args:
        weight_map: Map ``(h, w)`` over the whole image.
        box: ``(x1, y1, x2, y2)`` of the crop as fractions of the image width and height.
        out_size: ``(h', w')``, the patch grid of the cropped and resized image.
        flip_direction: ``None`` or the ``RandomFlip`` direction applied after the crop.
        samples: Samples per cell along each axis.

    Returns:
        The map of the crop, ``(h', w')``, float32.
    """
    x1, y1, x2, y2 = (float(v) for v in box)
    out_h, out_w = out_size
    ys = y1 + (y2 - y1) * (torch.arange(out_h * samples) + 0.5) / (out_h * samples)
    xs = x1 + (x2 - x1) * (torch.arange(out_w * samples) + 0.5) / (out_w * samples)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing='xy'), dim=-1) * 2 - 1  # (H', W', 2)
    sampled = F.grid_sample(weight_map.float()[None, None], grid[None], mode='bilinear',
                            padding_mode='border', align_corners=False)  # (1, 1, H', W')
    cells = F.avg_pool2d(sampled, samples)[0, 0]  # (h', w')
    if flip_direction is not None:
        cells = cells.flip(FLIP_DIMS[flip_direction])
    return cells


@TRANSFORMS.register_module()
class FAMTWeightMap(BaseTransform):
    """Adds the FAMT sampling weights of the image, following its crop and flip.

    ``FAMTRefreshHook`` attaches a store of one map per dataset index (computed on the whole
    image) and refreshes it during training; this transform resamples the map of
    ``sample_idx`` to the crop recorded by ``RandomResizedCropWithBox`` and applies the flip
    recorded by ``RandomFlip``. Put it after both. Without a store (before the hook
    attaches one) every map is uniform.

    Required keys: ``sample_idx``, ``crop_bbox``, ``crop_input_shape``; optional ``flip``,
    ``flip_direction``. Added keys:

    - ``famt_weight`` (torch.Tensor, ``grid_size``, float32 in ``[0, 1]``).

    Args:
        grid_size: Patch grid ``h`` or ``(h, w)`` of the encoder input. Defaults to 14.
        samples: Bilinear samples per cell and axis when resampling. Defaults to 4.
    """

    def __init__(self, grid_size: Union[int, Tuple[int, int]] = 14, samples: int = 4) -> None:
        size = (grid_size, grid_size) if isinstance(grid_size, int) else tuple(grid_size)
        if len(size) != 2 or min(size) < 1:
            raise ValueError(f'FAMTWeightMap: grid_size must be an int or (h, w) >= 1, '
                             f'got {grid_size}')
        self.grid_size = size
        self.samples = samples
        self.store: Optional[torch.Tensor] = None

    def attach(self, store: torch.Tensor) -> None:
        """Reads the maps from ``store`` from now on.

        Args:
            store: ``(num_images, h, w)`` maps, uint8 (``255`` = weight 1), shared memory.
        """
        self.store = store

    def transform(self, results: dict) -> dict:
        """Adds ``famt_weight`` to ``results``.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The same dict with ``famt_weight`` set.
        """
        if self.store is None:
            results['famt_weight'] = torch.ones(self.grid_size)
            return results
        if 'crop_bbox' not in results:
            raise ValueError('FAMTWeightMap needs the crop box: use RandomResizedCropWithBox '
                             'instead of RandomResizedCrop, before FAMTWeightMap')
        height, width = results['crop_input_shape']
        x1, y1, x2, y2 = results['crop_bbox']
        box = (x1 / width, y1 / height, x2 / width, y2 / height)
        flip = results.get('flip_direction') if results.get('flip') else None
        weight_map = self.store[results['sample_idx']].float() / 255.  # (h, w)
        results['famt_weight'] = crop_weight_map(weight_map, box, self.grid_size, flip,
                                                 self.samples)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(grid_size={self.grid_size}, samples={self.samples})'
