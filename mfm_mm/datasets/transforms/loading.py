"""Image loading that turns any readable image into 8-bit colour and names unreadable files."""
import io
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.fileio.backends import LocalBackend
from mmengine.logging import MMLogger
from mmpretrain.registry import TRANSFORMS
from PIL import Image, ImageOps

from ..file_kind import file_problem

DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)
ORIENTATION = 0x0112  # EXIF tag
JPEG_END = b'\xff\xd9'  # EOI marker: a JPEG cut short lacks it
# OpenCV < 4.10 has no IMREAD_COLOR_RGB: decode BGR and swap (cvtColor, the same pixels)
CV2_RGB = getattr(cv2, 'IMREAD_COLOR_RGB', None)


def open_image(data: bytes) -> Image.Image:
    """Opens an encoded image lazily: the header is read, the pixels are not decoded yet.

    Args:
        data: The file's bytes.

    Returns:
        The opened image (``draft`` may still be called on it).

    Raises:
        ValueError: The bytes are empty; PIL's own errors for data it does not recognise.
    """
    if not data:
        raise ValueError('empty file (0 bytes)')
    return Image.open(io.BytesIO(data))


def upright_rgb(image: Image.Image) -> Image.Image:
    """Decodes an opened image to 8-bit RGB, upright.

    EXIF orientation is applied; grey, palette, CMYK and 16-bit images are converted; alpha
    is composited over white.

    Args:
        image: An image from ``open_image``.

    Returns:
        The decoded ``RGB`` image.

    Raises:
        OSError: Truncated or corrupt data (PIL's errors).
    """
    image.load()  # decodes now: truncated data raises here
    if image.getexif().get(ORIENTATION, 1) != 1:  # exif_transpose copies even when upright
        image = ImageOps.exif_transpose(image)
    if image.mode in ('I', 'I;16', 'I;16B', 'I;16L', 'F'):
        wide = np.asarray(image, dtype=np.float64)
        scale = 65535. if wide.max() > 255 else 255.
        image = Image.fromarray(np.round(wide / scale * 255).clip(0, 255).astype(np.uint8))
    if image.mode == 'P':
        image = image.convert('RGBA')
    if image.mode in ('RGBA', 'LA', 'PA'):
        background = Image.new('RGBA', image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert('RGBA'))
    return image if image.mode == 'RGB' else image.convert('RGB')


_cv2_matches_pil: Optional[bool] = None


def cv2_matches_pil() -> bool:
    """Whether OpenCV decodes JPEGs to the same pixels as PIL here (checked once per process).

    Both normally run libjpeg-turbo with the same IDCT and chroma upsampling; an OpenCV built
    on another libjpeg (e.g. IJG 9, which upsamples chroma differently) would not, and is then
    never used.
    """
    global _cv2_matches_pil
    if _cv2_matches_pil is None:
        ramp = np.arange(48 * 40 * 3, dtype=np.uint32).reshape(40, 48, 3)
        probe = Image.fromarray(((ramp * 37 + (ramp // 48) * 11) % 251).astype(np.uint8))
        buffer = io.BytesIO()
        probe.save(buffer, format='JPEG', quality=90)  # 4:2:0, like most photos
        data = buffer.getvalue()
        ours = cv2_decode(data, 'rgb')
        _cv2_matches_pil = ours is not None and np.array_equal(
            ours, np.asarray(Image.open(io.BytesIO(data)).convert('RGB')))
    return _cv2_matches_pil


def decode_plain_jpeg(data: bytes, image: Image.Image,
                      channel_order: str = 'rgb') -> Optional[np.ndarray]:
    """Decodes a plain colour JPEG with OpenCV, straight to a ``(H, W, 3)`` array.

    Same pixels as ``upright_rgb`` (measured, and checked once per process by
    ``cv2_matches_pil``) without PIL's image -> array copy, in either channel order.

    Args:
        data: The file's bytes.
        image: ``open_image(data)``, not loaded and not drafted.
        channel_order: ``'rgb'`` or ``'bgr'``.

    Returns:
        The array; None where PIL must decode: not a 3-channel baseline / progressive JPEG
        (grey, CMYK, MPO, other formats), EXIF-oriented, drafted, not ending with the EOI
        marker (cut short: PIL names the truncation, OpenCV would pad it with grey), or not
        decodable by OpenCV.
    """
    if (image.format != 'JPEG' or image.mode != 'RGB' or len(image.tile) != 1
            or tuple(image.tile[0][3]) != ('RGB', '') or image.decoderconfig
            or image.getexif().get(ORIENTATION, 1) != 1 or not data.endswith(JPEG_END)
            or not cv2_matches_pil()):
        return None
    return cv2_decode(data, channel_order)


def cv2_decode(data: bytes, channel_order: str) -> Optional[np.ndarray]:
    """``cv2.imdecode`` in ``channel_order``, EXIF orientation ignored; None if it fails."""
    flags = cv2.IMREAD_IGNORE_ORIENTATION
    if channel_order == 'rgb' and CV2_RGB is not None:
        return cv2.imdecode(np.frombuffer(data, np.uint8), CV2_RGB | flags)
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | flags)
    if pixels is None or channel_order == 'bgr':
        return pixels
    return cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)


def decode_rgb(data: bytes) -> np.ndarray:
    """Decodes an encoded image to ``(H, W, 3)`` uint8 RGB, upright (see ``upright_rgb``).

    Args:
        data: The file's bytes.

    Returns:
        The RGB image.

    Raises:
        ValueError: The bytes are empty; PIL's own errors for undecodable data.
    """
    return np.asarray(upright_rgb(open_image(data)))


@TRANSFORMS.register_module()
class SafeLoadImageFromFile(LoadImageFromFile):
    """``LoadImageFromFile`` that reads every image PIL can decode and names the ones it can't.

    Gives the same result keys as mmcv's transform (``img`` in BGR order, ``img_shape``,
    ``ori_shape``). An unreadable file (empty, truncated, not an image; a local path that is
    not a regular file, such as a FIFO, is refused before it is opened) raises a
    ``ValueError`` naming it, or, with ``skip_unreadable=True``, is skipped with a warning
    and a running count (the dataset then draws another sample).

    Args:
        skip_unreadable: Skip unreadable files instead of failing. Defaults to False.
        **kwargs: ``to_float32`` and ``backend_args`` of ``LoadImageFromFile``.
    """

    def __init__(self, skip_unreadable: bool = False, **kwargs) -> None:
        if not isinstance(skip_unreadable, bool):
            raise TypeError(f'{self.__class__.__name__}: skip_unreadable must be a bool, got '
                            f'{skip_unreadable!r}')
        super().__init__(**kwargs)
        self.skip_unreadable = skip_unreadable
        self.skipped = 0

    def read(self, filename: str) -> bytes:
        """Reads a file's bytes, refusing local paths that are not regular files.

        Args:
            filename: The image's path or URI.

        Returns:
            The bytes.

        Raises:
            ValueError: A local path that is missing or not a regular file.
        """
        backend = fileio.get_file_backend(filename, backend_args=self.backend_args,
                                          enable_singleton=True)
        if isinstance(backend, LocalBackend):
            problem = file_problem(filename)
            if problem:
                raise ValueError(problem)
        return backend.get(filename)

    def decode(self, data: bytes, results: dict) -> dict:
        """Decodes the bytes into ``results`` (``img`` BGR, ``img_shape``, ``ori_shape``).

        Args:
            data: The file's bytes.
            results: The result dict of the pipeline.

        Returns:
            The dict with the image.
        """
        image = open_image(data)
        img = decode_plain_jpeg(data, image, 'bgr')  # (H, W, 3) BGR like mmcv
        if img is None:
            img = np.ascontiguousarray(np.asarray(upright_rgb(image))[..., ::-1])
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def transform(self, results: dict) -> Optional[dict]:
        """Loads ``results['img_path']``.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The dict with the image, or None for a skipped file.
        """
        filename = results['img_path']
        try:
            return self.decode(self.read(filename), results)
        except DECODE_ERRORS as err:
            reason = f'{type(err).__name__}: {err}'
            if not self.skip_unreadable:
                raise ValueError(f'cannot read image {filename} ({reason}); fix or remove the '
                                 'file, or set skip_unreadable=True in '
                                 f'{self.__class__.__name__}') from None
            self.skipped += 1
            MMLogger.get_current_instance().warning(
                f'skipped unreadable image {filename} ({reason}); '
                f'{self.skipped} skipped by this loader so far')
            return None

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(skip_unreadable={self.skip_unreadable})'
