"""Decode, random resized crop and resize in one step."""
import functools
import logging
from typing import Sequence, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmcv.image.geometric import pillow_interp_codes
from mmengine.logging import print_log
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS
from PIL import Image

from .loading import (ORIENTATION, SafeLoadImageFromFile, decode_plain_jpeg, open_image,
                      upright_rgb)

DRAFT_SCALES = (8, 4, 2)  # the JPEG DCT-domain reductions PIL's draft mode offers
ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
BACKENDS = ('pillow', 'torch')
TORCH_MODES = {'bicubic': 'bicubic', 'bilinear': 'bilinear'}  # antialiased like PIL's


@functools.lru_cache(maxsize=None)
def _pillow_rule(resample: int) -> str:
    """``'pillow13'`` when the installed Pillow orders its two passes by Pillow 13's rule.

    Pillow 13's rule (measured on 2,000 random geometries, bicubic and bilinear, no miss):
    vertical first iff the width grows while the height shrinks, or both shrink and
    ``2 * (W - w) < H - h``; Pillow <= 12 always starts horizontally (``'h'``). Probed once
    on noise with a geometry where the two differ.
    """
    image = Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8))
    both = np.asarray(image.resize((30, 10), resample))
    across_first = np.asarray(image.resize((30, 40), resample).resize((30, 10), resample))
    return 'h' if np.array_equal(both, across_first) else 'pillow13'


@functools.lru_cache(maxsize=None)
def torch_resizes_uint8(mode: str) -> bool:
    """Whether the installed torch resizes uint8 images antialiased in ``mode`` (bicubic
    needs torch >= 2.1, bilinear 2.0); the check can go when the floor is torch 2.1."""
    try:
        F.interpolate(torch.zeros(1, 3, 4, 4, dtype=torch.uint8), size=(2, 2), mode=mode,
                      antialias=True)
    except RuntimeError:
        return False
    return True


def vertical_first(resample: int, width: int, height: int, out_w: int, out_h: int) -> bool:
    """Whether PIL's two-pass resize of ``(width, height)`` to ``(out_w, out_h)`` starts
    vertically (see ``_pillow_rule``)."""
    if _pillow_rule(resample) != 'pillow13':
        return False
    if out_w > width and out_h < height:
        return True
    return out_w < width and out_h < height and 2 * (width - out_w) < height - out_h


def resize_uint8(crop: np.ndarray, out_h: int, out_w: int, interpolation: str) -> np.ndarray:
    """PIL's antialiased resize of a ``(h, w, 3)`` uint8 array with torch's SIMD kernel.

    Each pass is torch's uint8 antialiased ``interpolate`` (the Pillow-SIMD algorithm: same
    filter, support and clipped 8-bit intermediate as PIL, 16-bit instead of 22-bit weights),
    the passes in the installed Pillow's order, so the result is within rounding of
    ``Image.resize``: measured max abs diff 1 on 92 % of ImageNet-like crops, 2 on the others,
    0.3 % of the values differ.

    Args:
        crop: The pixels, C-contiguous.
        out_h: Output height.
        out_w: Output width.
        interpolation: ``'bicubic'`` or ``'bilinear'``.

    Returns:
        The ``(out_h, out_w, 3)`` uint8 array (C-contiguous; ``crop`` itself when the
        size does not change).
    """
    height, width = crop.shape[:2]
    # NCHW view of the HWC pixels (channels-last memory, torch's fast uint8 layout)
    tensor = torch.from_numpy(crop[None].transpose(0, 3, 1, 2))
    mode = TORCH_MODES[interpolation]
    # one call runs torch's passes horizontal first (as PIL <= 12 always does)
    sizes = [(out_h, out_w)]
    if vertical_first(pillow_interp_codes[interpolation], width, height, out_w, out_h):
        sizes = [(out_h, width), (out_h, out_w)]
    for size in sizes:
        if tuple(tensor.shape[2:]) != size:
            tensor = F.interpolate(tensor, size=size, mode=mode, antialias=True)
    if tensor.shape[2:] == crop.shape[:2] and tensor.data_ptr() == crop.ctypes.data:
        return crop
    planes = tensor[0].numpy()  # torch gives NCHW: cv2.merge interleaves 10 times faster
    return cv2.merge((planes[0], planes[1], planes[2]))


def array_crop_image(pixels: np.ndarray, box: Tuple[int, int, int, int]) -> Image.Image:
    """The ``box`` of a C-contiguous ``(H, W, 3)`` uint8 array as a PIL image, in one copy.

    PIL's raw decoder reads the box's rows straight from the array's buffer (row stride
    ``W * 3``): no intermediate crop array. The channels are taken as they are (``'RGB'``
    mode for any order: resizing treats them alike).
    """
    x1, y1, x2, y2 = box
    stride = pixels.shape[1] * 3
    flat = memoryview(pixels.reshape(-1))[y1 * stride + x1 * 3:]
    return Image.frombytes('RGB', (x2 - x1, y2 - y1), flat, 'raw', 'RGB', stride, 1)


@TRANSFORMS.register_module()
class LoadRandomResizedCrop(SafeLoadImageFromFile):
    """``SafeLoadImageFromFile`` + ``RandomResizedCrop`` (pillow backend) in one transform.

    The crop box is drawn by mmpretrain's ``RandomResizedCrop.rand_crop_params``
    (torchvision's ``RandomResizedCrop.get_params`` rule, drawn from numpy's generator) on
    the upright image's size, before decoding; then one crop and one resize, no full-size
    BGR copy. A plain colour JPEG (3 channels, no EXIF rotation, complete) is decoded by
    OpenCV straight into an array in ``channel_order`` (the same pixels as PIL's, see
    ``decode_plain_jpeg``); anything else by PIL. With ``draft=True`` a JPEG whose crop is at
    least twice the output size in both directions is decoded by PIL at 1/2, 1/4 or 1/8 of
    its size in the DCT domain (the crop then still shrinks, never grows).

    Backends (the resize):

    - ``'pillow'``: PIL's ``Image.resize`` of the crop (read from the array's rows in one
      copy); without draft the pixels equal ``SafeLoadImageFromFile`` +
      ``RandomResizedCrop(backend='pillow')`` exactly.
    - ``'torch'``: ``resize_uint8`` (torch's uint8 antialiased kernel, about twice as fast
      as PIL's), ``bicubic`` / ``bilinear`` only: bilinear within 1 grey level of PIL, bicubic
      within 1 on most crops and 2 on some (0.3 % of the values differ; per-channel mean and
      std within 0.001 %).

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
        backend: ``'pillow'`` or ``'torch'``, see above. Defaults to 'pillow'.
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
                 backend: str = 'pillow',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if channel_order not in ('rgb', 'bgr'):
            raise ValueError(f"LoadRandomResizedCrop: channel_order must be 'rgb' or 'bgr', "
                             f'got {channel_order!r}')
        if interpolation not in pillow_interp_codes:
            raise ValueError(f'LoadRandomResizedCrop: interpolation must be one of '
                             f'{sorted(pillow_interp_codes)}, got {interpolation!r}')
        if backend not in BACKENDS:
            raise ValueError(f'LoadRandomResizedCrop: backend must be one of {BACKENDS}, got '
                             f'{backend!r}')
        if backend == 'torch' and interpolation not in TORCH_MODES:
            raise ValueError(f"LoadRandomResizedCrop: backend='torch' resizes with "
                             f'{sorted(TORCH_MODES)} only, got {interpolation!r}; use '
                             f"backend='pillow'")
        if backend == 'torch' and not torch_resizes_uint8(TORCH_MODES[interpolation]):
            print_log(f"LoadRandomResizedCrop: torch {torch.__version__} has no uint8 "
                      f"antialiased {interpolation} resize; backend='pillow' is used (exact, "
                      f'slower)', logger='current', level=logging.WARNING)
            backend = 'pillow'
        self.crop = RandomResizedCrop(scale, crop_ratio_range, aspect_ratio_range,
                                      max_attempts, interpolation, backend='pillow')
        self.channel_order = channel_order
        self.draft = draft
        self.backend = backend

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
        if image.getexif().get(ORIENTATION) in ROTATED:
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
        # a plain JPEG straight to an array in the wanted order, else PIL (see loading.py)
        pixels, order = decode_plain_jpeg(data, image, self.channel_order), self.channel_order
        if pixels is None:
            image, order = upright_rgb(image), 'rgb'
        size = image.size if pixels is None else pixels.shape[1::-1]
        box = self._box(size, (left, top, crop_w, crop_h), width, height)
        if self.backend == 'torch':
            if pixels is None:
                pixels = np.array(image)  # writable, for torch.from_numpy
            x1, y1, x2, y2 = box
            img = resize_uint8(np.ascontiguousarray(pixels[y1:y2, x1:x2]), out_h, out_w,
                               self.crop.interpolation)
        else:
            crop = image.crop(box) if pixels is None else array_crop_image(pixels, box)
            # writable: later steps may draw on it in place
            img = np.array(crop.resize((out_w, out_h),
                                       pillow_interp_codes[self.crop.interpolation]))
        if order != self.channel_order:
            img = np.ascontiguousarray(img[..., ::-1])
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = (height, width)
        results['crop_box'] = np.array(
            [left / width, top / height, (left + crop_w) / width, (top + crop_h) / height],
            dtype=np.float32)
        return results

    @staticmethod
    def _box(image_size: Tuple[int, int], crop: tuple, width: int, height: int) -> tuple:
        """The crop's ``(x1, y1, x2, y2)`` on the decoded (maybe drafted) image."""
        left, top, crop_w, crop_h = crop
        sx, sy = image_size[0] / width, image_size[1] / height  # 1 unless drafted
        return (round(left * sx), round(top * sy), round((left + crop_w) * sx),
                round((top + crop_h) * sy))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.crop.scale}, '
                f'crop_ratio_range={self.crop.crop_ratio_range}, '
                f'aspect_ratio_range={self.crop.aspect_ratio_range}, '
                f'interpolation={self.crop.interpolation}, channel_order={self.channel_order}, '
                f'draft={self.draft}, backend={self.backend}, '
                f'skip_unreadable={self.skip_unreadable})')
