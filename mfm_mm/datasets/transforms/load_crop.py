"""Decode, random resized crop and resize in one step, on the PIL image."""
from typing import Sequence, Tuple, Union

import numpy as np
from mmcv.image.geometric import pillow_interp_codes
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS
from PIL import Image

from .loading import SafeLoadImageFromFile, open_image, upright_rgb

DRAFT_SCALES = (8, 4, 2)  # the JPEG DCT-domain reductions PIL's draft mode offers
ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


@TRANSFORMS.register_module()
class LoadRandomResizedCrop(SafeLoadImageFromFile):
    """``SafeLoadImageFromFile`` + ``RandomResizedCrop`` (pillow backend) in one transform.

    The image stays a PIL image from decoding to the resized crop: no full-size array, no
    BGR copy, one crop and one resize. The crop box is drawn by mmpretrain's
    ``RandomResizedCrop.rand_crop_params`` (torchvision's ``RandomResizedCrop.get_params``
    rule, drawn from numpy's generator) on the upright image's size, before decoding, so
    that with ``draft=True`` a JPEG whose crop is at least twice the output size in both
    directions is decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain (the crop then
    still shrinks, never grows). Without draft the pixels equal
    ``SafeLoadImageFromFile`` + ``RandomResizedCrop(backend='pillow')`` exactly.

    Safety is ``SafeLoadImageFromFile``'s: EXIF orientation, grey / palette / CMYK / 16-bit /
    alpha images, unreadable files named or skipped.

    Added keys: ``img`` (``(*scale, 3)`` uint8, ``channel_order``), ``img_shape``,
    ``ori_shape`` (the upright image's ``(H, W)``), ``crop_box`` (np.ndarray, ``(4,)``
    float32: ``(x1, y1, x2, y2)`` of the crop as fractions of the image's width and height,
    end exclusive, as ``RandomResizedCropWithBox`` records it).

    Args:
        scale: Output size, an int (square) or ``(height, width)``.
        crop_ratio_range: Range of the crop's area as a fraction of the image's.
            Defaults to (0.08, 1.0).
        aspect_ratio_range: Range of the crop's width / height. Defaults to (3/4, 4/3).
        max_attempts: Draws before the central-crop fallback. Defaults to 10.
        interpolation: PIL resampling filter by mmcv name. Defaults to 'bicubic'.
        channel_order: ``'rgb'`` (pair with ``to_rgb=False`` in the data preprocessor) or
            ``'bgr'`` (mmcv's order, for BGR-dependent transforms that follow).
            Defaults to 'rgb'.
        draft: Decode large JPEG crops at reduced size. Defaults to True.
        **kwargs: ``skip_unreadable``, ``to_float32`` and ``backend_args`` of
            ``SafeLoadImageFromFile``.
    """

    def __init__(self,
                 scale: Union[int, Sequence[int]],
                 crop_ratio_range: Tuple[float, float] = (0.08, 1.0),
                 aspect_ratio_range: Tuple[float, float] = (3. / 4., 4. / 3.),
                 max_attempts: int = 10,
                 interpolation: str = 'bicubic',
                 channel_order: str = 'rgb',
                 draft: bool = True,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if channel_order not in ('rgb', 'bgr'):
            raise ValueError(f"LoadRandomResizedCrop: channel_order must be 'rgb' or 'bgr', "
                             f'got {channel_order!r}')
        if interpolation not in pillow_interp_codes:
            raise ValueError(f'LoadRandomResizedCrop: interpolation must be one of '
                             f'{sorted(pillow_interp_codes)}, got {interpolation!r}')
        self.crop = RandomResizedCrop(scale, crop_ratio_range, aspect_ratio_range,
                                      max_attempts, interpolation, backend='pillow')
        self.channel_order = channel_order
        self.draft = draft

    def decode(self, data: bytes, results: dict) -> dict:
        """Decodes the crop of a freshly drawn box, resized, into ``results``.

        Args:
            data: The file's bytes.
            results: The result dict of the pipeline.

        Returns:
            The dict with the crop and its box.
        """
        image = open_image(data)
        width, height = image.size
        if image.getexif().get(0x0112) in ROTATED:
            width, height = height, width
        # rand_crop_params reads only the shape: a (H, W, 0) array holds no pixels
        top, left, crop_h, crop_w = self.crop.rand_crop_params(
            np.empty((height, width, 0), np.uint8))
        out_h, out_w = self.crop.scale
        if self.draft:
            reduction = min(crop_w // out_w, crop_h // out_h)
            factor = next((s for s in DRAFT_SCALES if reduction >= s), 1)
            if factor > 1:
                image.draft(None, (image.size[0] // factor, image.size[1] // factor))
        image = upright_rgb(image)
        sx, sy = image.size[0] / width, image.size[1] / height  # 1 unless drafted
        box = (round(left * sx), round(top * sy), round((left + crop_w) * sx),
               round((top + crop_h) * sy))
        crop = image.crop(box).resize((out_w, out_h), pillow_interp_codes[self.crop.interpolation])
        img = np.array(crop)  # writable: later steps may draw on it in place
        if self.channel_order == 'bgr':
            img = img[..., ::-1]
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = (height, width)
        results['crop_box'] = np.array(
            [left / width, top / height, (left + crop_w) / width, (top + crop_h) / height],
            dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.crop.scale}, '
                f'crop_ratio_range={self.crop.crop_ratio_range}, '
                f'aspect_ratio_range={self.crop.aspect_ratio_range}, '
                f'interpolation={self.crop.interpolation}, channel_order={self.channel_order}, '
                f'draft={self.draft}, skip_unreadable={self.skip_unreadable})')
