"""Image loading that turns any readable image into 8-bit colour and names unreadable files."""
import io
from typing import Optional

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.fileio.backends import LocalBackend
from mmengine.logging import MMLogger
from mmpretrain.registry import TRANSFORMS
from PIL import Image, ImageOps

from ..file_kind import file_problem

DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


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
        img = np.ascontiguousarray(decode_rgb(data)[..., ::-1])  # (H, W, 3) BGR like mmcv
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
