"""Hook that draws MFM reconstruction pictures during pre-training."""
import os
import os.path as osp
from typing import Optional

from mmengine.dist import master_only
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from PIL import Image

from .mfm_figure import mfm_figure_rgb, mfm_panels


@HOOKS.register_module()
class MFMVisualizationHook(Hook):
    """Every ``interval`` epochs and at the end, draws the first images of an epoch.

    The picture (one row per image: image, log spectrum, kept frequencies, corrupted input,
    reconstruction) goes to ``runner.visualizer.add_image('mfm_vis', picture, step=epoch)``,
    so every configured backend receives it (``LocalVisBackend``:
    ``vis_data/vis_image/mfm_vis_{N}.png``, ``TensorboardVisBackend``: the images tab, W&B,
    MLflow...), and to ``{work_dir}/mfm_vis/epoch_{N}.png``.

    Args:
        interval: Epochs between pictures. Defaults to 10.
        num_images: Rows in the picture. Defaults to 4.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 10, num_images: int = 4) -> None:
        self.interval = interval
        self.num_images = num_images
        self._batch: Optional[dict] = None
        self.last_file: Optional[str] = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Keeps the first images of the epoch's first batch."""
        if batch_idx == 0 and data_batch is not None:
            self._batch = {key: value[:self.num_images] for key, value in data_batch.items()}

    def after_train_epoch(self, runner) -> None:
        """Draws the kept images every ``interval`` epochs and after the last one."""
        if self._batch is not None and (self.every_n_epochs(runner, self.interval)
                                        or self.is_last_train_epoch(runner)):
            self._draw(runner)

    @master_only
    def _draw(self, runner) -> None:
        epoch = runner.epoch + 1
        picture = mfm_figure_rgb(mfm_panels(runner.model, self._batch))  # (H, W, 3) uint8
        runner.visualizer.add_image('mfm_vis', picture, step=epoch)
        out_dir = osp.join(runner.work_dir, 'mfm_vis')
        os.makedirs(out_dir, exist_ok=True)
        self.last_file = osp.join(out_dir, f'epoch_{epoch}.png')
        Image.fromarray(picture).save(self.last_file)
        runner.logger.info(f'MFM reconstructions saved to {self.last_file} and sent to the '
                           'visualizer backends')
