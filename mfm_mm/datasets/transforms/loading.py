"""Image loading that turns any readable image into 8-bit colour and names unreadable files."""
import io

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.logging import MMLogger
from mmpretrain.registry import TRANSFORMS
from PIL import Image, ImageOps

DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


def decode_rgb(data: bytes) -> np.ndarray:
    """Decodes an encoded image to ``(H, W, 3)`` uint8 RGB, upright.

    EXIF orientation is applied; grey, palette, CMYK and 16-bit images are converted; alpha
    is composited over white.

    Args:
        data: The file's bytes.

    Returns:
        The RGB image.

    Raises:
        ValueError: The bytes are empty; PIL's own errors for undecodable data.
    """
    if not data:
        raise ValueError('empty file (0 bytes)')
    image = Image.open(io.BytesIO(data))
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
    return np.asarray(image.convert('RGB'))


@TRANSFORMS.register_module()
class SafeLoadImageFromFile(LoadImageFromFile):
    """``LoadImageFromFile`` that reads every image PIL can decode and names the ones it can't.

    Gives the same result keys as mmcv's transform (``img`` in BGR order, ``img_shape``,
    ``ori_shape``). An unreadable file (empty, truncated, not an image) raises a
    ``ValueError`` naming it, or, with ``skip_unreadable=True``, is skipped with a warning
    and a running count (the dataset then draws another sample).

    Args:
        skip_unreadable: Skip unreadable files instead of failing. Defaults to False.
        **kwargs: ``to_float32`` and ``backend_args`` of ``LoadImageFromFile``.
    """

    def __init__(self, skip_unreadable: bool = False, **kwargs) -> None:
        if not isinstance(skip_unreadable, bool):
            raise TypeError(f'SafeLoadImageFromFile: skip_unreadable must be a bool, got '
                            f'{skip_unreadable!r}')
        super().__init__(**kwargs)
        self.skip_unreadable = skip_unreadable
        self.skipped = 0

    def transform(self, results: dict):
        """Loads ``results['img_path']``.

        Args:
            results: The result dict of the pipeline.

        Returns:
            The dict with the image, or None for a skipped file.
        """
        filename = results['img_path']
        try:
            rgb = decode_rgb(fileio.get(filename, backend_args=self.backend_args))
        except DECODE_ERRORS as err:
            reason = f'{type(err).__name__}: {err}'
            if not self.skip_unreadable:
                raise ValueError(f'cannot read image {filename} ({reason}); fix or remove the '
                                 'file, or set skip_unreadable=True in '
                                 'SafeLoadImageFromFile') from None
            self.skipped += 1
            MMLogger.get_current_instance().warning(
                f'skipped unreadable image {filename} ({reason}); '
                f'{self.skipped} skipped by this loader so far')
            return None
        img = np.ascontiguousarray(rgb[..., ::-1])  # (H, W, 3) BGR like mmcv
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(skip_unreadable={self.skip_unreadable})'
