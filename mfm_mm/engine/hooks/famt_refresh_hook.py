"""Hook that schedules the refreshes of FAMT's per-image sampling weights."""
import copy
from typing import List, Optional

from mmengine.hooks import Hook
from mmengine.runner import Runner
from mmpretrain.registry import HOOKS

from ...models.algorithms.famt_mae import FAMTMAE
from ...utils.pipeline import innermost_dataset
from ...utils.model import unwrap_model
from ...utils.options import check_number


@HOOKS.register_module()
class FAMTRefreshHook(Hook):
    """Recomputes FAMT's weight maps (kept by ``FAMTMAE``) every ``interval`` epochs.

    Before epoch ``warmup_epochs`` (0-based) the model masks MAE-style at random; at the start
    of epochs ``warmup_epochs``, ``warmup_epochs + interval``, ... every training image is
    resized whole to the encoder's input size and ``FAMTMAE.refresh_weights`` recomputes its
    map. The maps and the epoch of the last refresh are buffers of the model, so checkpoints
    carry them and a resumed run neither loses nor repeats a refresh.

    The refresh reads the innermost dataset of ``train_dataloader`` (through dataset wrappers
    such as ``RepeatDataset``, whose samples keep the inner ``sample_idx``) with its own
    pipeline.

    Args:
        interval: Epochs between refreshes. Defaults to 40 (the paper's).
        warmup_epochs: Epochs of random masking before the first refresh. Defaults to 40.
        batch_size: Images per refresh batch and rank. Defaults to 64.
        num_workers: Refresh dataloader workers; ``None`` takes the training loader's.
        pipeline: Refresh pipeline; ``None`` loads the image, resizes it whole to the
            encoder's input size (bicubic) and packs it.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, interval: int = 40, warmup_epochs: int = 40, batch_size: int = 64,
                 num_workers: Optional[int] = None,
                 pipeline: Optional[List[dict]] = None) -> None:
        owner = type(self).__name__
        check_number(owner, 'interval', interval, integer=True, low=1)
        check_number(owner, 'warmup_epochs', warmup_epochs, integer=True, low=0)
        check_number(owner, 'batch_size', batch_size, integer=True, low=1)
        if num_workers is not None:
            check_number(owner, 'num_workers', num_workers, integer=True, low=0)
        if pipeline is not None and not isinstance(pipeline, (list, tuple)):
            raise TypeError(f'{owner}: pipeline must be a list of transform configs or None, '
                            f'got {pipeline!r}')
        self.interval = interval
        self.warmup_epochs = warmup_epochs
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.pipeline = pipeline

    @staticmethod
    def _model(runner) -> FAMTMAE:
        model = unwrap_model(runner.model)
        if not isinstance(model, FAMTMAE):
            raise ValueError(f'FAMTRefreshHook needs model type FAMTMAE, got '
                             f'{type(model).__name__}')
        return model

    @staticmethod
    def _dataset_cfg(runner) -> dict:
        dataset = innermost_dataset(runner.cfg.train_dataloader)
        if 'datasets' in dataset:
            raise ValueError('FAMTRefreshHook: the training set is a ConcatDataset, whose parts '
                             'repeat sample_idx; FAMT needs one index per image')
        return copy.deepcopy(dataset)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Moves the maps of a checkpoint written before they were model buffers."""
        legacy = checkpoint.get('famt_weights')
        if legacy is None:
            return
        model = self._model(runner)
        model.famt_weights = legacy['weights'].to(model.famt_weights.device)
        epoch = legacy['refreshed_epoch']
        model.refreshed_epoch.fill_(-1 if epoch is None else epoch)
        runner.logger.info('FAMT: maps read from the checkpoint\'s old `famt_weights` entry')

    def before_train(self, runner) -> None:
        """Sizes the maps to the training set (kept when a checkpoint brought them)."""
        model = self._model(runner)
        dataset = runner.train_dataloader.dataset
        while hasattr(dataset, 'dataset'):  # RepeatDataset, ClassBalancedDataset, ...
            dataset = dataset.dataset
        num_images = len(dataset)
        if len(model.famt_weights) != num_images:
            if len(model.famt_weights):
                runner.logger.warning(
                    f'FAMT: {len(model.famt_weights)} maps in the checkpoint but '
                    f'{num_images} training images; starting from uniform maps')
            model.reset_weights(num_images)
        epoch = int(model.refreshed_epoch)
        runner.logger.info(f'FAMT: masking by the weights refreshed at epoch {epoch}'
                           if model.weights_ready else
                           f'FAMT: random masking until epoch {self.warmup_epochs}')

    def before_train_epoch(self, runner) -> None:
        """Refreshes the maps at the epochs ``warmup_epochs + k * interval``."""
        epoch = runner.epoch
        if (epoch < self.warmup_epochs or (epoch - self.warmup_epochs) % self.interval
                or epoch == int(self._model(runner).refreshed_epoch)):
            return
        self.refresh(runner)

    def refresh(self, runner) -> None:
        """Recomputes every map now, with the model being trained."""
        model = self._model(runner)
        dataset_cfg = self._dataset_cfg(runner)
        dataset_cfg['pipeline'] = self.pipeline or [
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=tuple(model.backbone.img_size)[::-1], backend='pillow',
                 interpolation='bicubic'),
            dict(type='PackInputs'),
        ]
        num_workers = self.num_workers
        if num_workers is None:
            num_workers = runner.cfg.train_dataloader.get('num_workers', 0)
        loader = Runner.build_dataloader(
            dict(batch_size=self.batch_size, num_workers=num_workers,
                 sampler=dict(type='DefaultSampler', shuffle=False),
                 collate_fn=dict(type='default_collate'), dataset=dataset_cfg),
            seed=runner.seed)
        if len(loader.dataset) != len(model.famt_weights):
            raise ValueError(f'FAMTRefreshHook: refresh dataset has {len(loader.dataset)} '
                             f'images, the model keeps {len(model.famt_weights)} maps')
        model.refresh_weights(loader, runner.epoch)
