"""mmpretrain's ``ImageNet`` whose annotation file is checked when the dataset is built."""
from typing import Union

from mmpretrain.datasets import ImageNet
from mmpretrain.registry import DATASETS

from .annotation_file import check_annotation_file


@DATASETS.register_module()
class CheckedImageNet(ImageNet):
    """``ImageNet`` that reports a bad ``meta/<split>.txt`` at build time.

    A malformed line is an error naming the file and its line number (mmpretrain fails with
    ``not enough values to unpack``), and a listed image that does not exist is an error
    naming the first missing ones (mmpretrain finds it only when it is drawn).

    Args:
        check_images: ``True`` / ``False``: check / do not check that every listed image
            exists; an int: check when the file lists at most that many images. The default,
            1,500,000, covers ImageNet-1k (about 1.28 M images, a ``stat`` each: seconds on
            a local disk, a minute or more on a slow network file system).
        **kwargs: ``ImageNet``'s arguments.
    """

    def __init__(self, check_images: Union[bool, int] = 1_500_000, **kwargs) -> None:
        self.check_images = check_images
        super().__init__(**kwargs)

    def load_data_list(self) -> list:
        """Checks the annotation file, then loads it as mmpretrain does."""
        if self.ann_file:
            check_annotation_file(self.ann_file, self.img_prefix, self.with_label,
                                  self.check_images)
        return super().load_data_list()
