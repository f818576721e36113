"""Hook that computes and refreshes FAMT's per-image sampling weights during pre-training."""
import copy
from typing import List, Optional

import torch
from mmengine.dist import all_gather, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from mmpretrain.registry import HOOKS

from ...datasets.transforms.famt_weight_map import FAMTWeightMap
from ...models.algorithms.famt_mae import FAMTMAE
from ...models.utils.famt_weights import FUSIONS, fuse_weights, lowpass_patch_response

CHECKPOINT_KEY = 'famt_weights'


@HOOKS.register_module()
class FAMTRefreshHook(Hook):
    """Keeps one FAMT weight map per training image and refreshes them every ``interval`` epochs.

    The maps live in a shared-memory ``uint8`` tensor ``(num_images, h, w)`` (255 = weight 1,
    about 250 MB for ImageNet-1k at 14 x 14) that the ``FAMTWeightMap`` transform of the
    training pipeline reads, in the dataloader workers too. Before epoch ``warmup_epochs``
    (0-based) the model masks MAE-style at random; at the start of epochs ``warmup_epochs``,
    ``warmup_epochs + interval``, ... every image is resized whole to the encoder's input size
    and its map is recomputed with the model being trained:

    - attention: the last block's CLS-to-patch attention, heads min-max normalised and
      averaged (``FAMTViT.cls_attention``);
    - frequency: the per-patch low-pass response (``lowpass_patch_response``, disc of radius
      ``freq_cutoff`` times the half size, DC removed);
    - fused by ``fusion`` (``fuse_weights``).

    In distributed runs every rank computes its share and the maps are gathered to all ranks.
    The maps and the refresh epoch are saved in checkpoints (``checkpoint['famt_weights']``) and
    restored on resume.

    Args:
        interval: Epochs between refreshes. Defaults to 40 (the paper's).
        warmup_epochs: Epochs of random masking before the first refresh. Defaults to 40.
        fusion: ``'sum'`` or ``'product'`` (see ``fuse_weights``). Defaults to ``'sum'``.
        freq_weight: Share of the frequency map with ``fusion='sum'``. Defaults to 0.5.
        freq_cutoff: Low-pass radius as a fraction of the half image size. Defaults to 1/7
            (16 bins at 224 px, one cycle per 16-pixel patch).
        batch_size: Images per refresh batch and rank. Defaults to 64.
        num_workers: Refresh dataloader workers; ``None`` takes the training loader's.
        pipeline: Refresh pipeline; ``None`` loads the image, resizes it whole to the
            encoder's input size (bicubic) and packs it.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, interval: int = 40, warmup_epochs: int = 40, fusion: str = 'sum',
                 freq_weight: float = 0.5, freq_cutoff: float = 1 / 7, batch_size: int = 64,
                 num_workers: Optional[int] = None,
                 pipeline: Optional[List[dict]] = None) -> None:
        if not (isinstance(interval, int) and interval >= 1):
            raise ValueError(f'FAMTRefreshHook: interval must be an int >= 1, got {interval}')
        if not (isinstance(warmup_epochs, int) and warmup_epochs >= 0):
            raise ValueError(
                f'FAMTRefreshHook: warmup_epochs must be an int >= 0, got {warmup_epochs}')
        if fusion not in FUSIONS:
            raise ValueError(f'FAMTRefreshHook: fusion must be one of {FUSIONS}, got {fusion!r}')
        if not 0 <= freq_weight <= 1:
            raise ValueError(f'FAMTRefreshHook: freq_weight must be in [0, 1], got {freq_weight}')
        if not 0 < freq_cutoff <= 1:
            raise ValueError(f'FAMTRefreshHook: freq_cutoff must be in (0, 1], got {freq_cutoff}')
        self.interval = interval
        self.warmup_epochs = warmup_epochs
        self.fusion = fusion
        self.freq_weight = freq_weight
        self.freq_cutoff = freq_cutoff
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.pipeline = pipeline
        self.store: Optional[torch.Tensor] = None
        self.refreshed_epoch: Optional[int] = None

    @staticmethod
    def _model(runner) -> FAMTMAE:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not isinstance(model, FAMTMAE):
            raise ValueError(f'FAMTRefreshHook needs model type FAMTMAE, got '
                             f'{type(model).__name__}')
        return model

    @staticmethod
    def _weight_transform(dataset) -> FAMTWeightMap:
        transforms = getattr(getattr(dataset, 'pipeline', None), 'transforms', [])
        found = [t for t in transforms if isinstance(t, FAMTWeightMap)]
        if not found:
            raise ValueError(
                f'FAMTRefreshHook: the training dataset ({type(dataset).__name__}) has no '
                'FAMTWeightMap in its pipeline (dataset wrappers are not supported)')
        return found[0]

    def _attach(self, runner) -> None:
        """Creates the shared store (uniform maps) and hands it to the training pipeline."""
        if self.store is not None:
            return
        grid = tuple(self._model(runner).backbone.patch_resolution)
        dataset = runner.train_dataloader.dataset
        transform = self._weight_transform(dataset)
        if transform.grid_size != grid:
            raise ValueError(f'FAMTWeightMap.grid_size is {transform.grid_size}, the encoder\'s '
                             f'patch grid is {grid}: set grid_size to img_size / patch_size')
        self.store = torch.full((len(dataset), *grid), 255, dtype=torch.uint8).share_memory_()
        transform.attach(self.store)

    def before_train(self, runner) -> None:
        """Attaches the store and tells the model whether the maps are ready."""
        self._attach(runner)
        ready = self.refreshed_epoch is not None
        self._model(runner).weights_ready = ready
        runner.logger.info(
            f'FAMT: masking by the weights refreshed at epoch {self.refreshed_epoch}' if ready
            else f'FAMT: random masking until epoch {self.warmup_epochs}')

    def before_train_epoch(self, runner) -> None:
        """Refreshes the maps at the epochs ``warmup_epochs + k * interval``."""
        epoch = runner.epoch
        if (epoch < self.warmup_epochs or (epoch - self.warmup_epochs) % self.interval
                or epoch == self.refreshed_epoch):
            return
        self.refresh(runner)
        self.refreshed_epoch = epoch
        self._model(runner).weights_ready = True

    def _refresh_loader(self, runner, img_size: tuple):
        dataset_cfg = copy.deepcopy(runner.cfg.train_dataloader.dataset)
        dataset_cfg['pipeline'] = self.pipeline or [
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=img_size[::-1], backend='pillow', interpolation='bicubic'),
            dict(type='PackInputs'),
        ]
        num_workers = self.num_workers
        if num_workers is None:
            num_workers = runner.cfg.train_dataloader.get('num_workers', 0)
        return Runner.build_dataloader(
            dict(batch_size=self.batch_size, num_workers=num_workers,
                 sampler=dict(type='DefaultSampler', shuffle=False),
                 collate_fn=dict(type='default_collate'), dataset=dataset_cfg),
            seed=runner.seed)

    def sampling_weights(self, model: FAMTMAE, inputs: torch.Tensor) -> torch.Tensor:
        """FAMT weights of whole normalised images ``(N, C, H, W)``: ``(N, h, w)`` in ``[0, 1]``."""
        attention = model.backbone.cls_attention(inputs)
        patch_size = model.backbone.img_size[0] // model.backbone.patch_resolution[0]
        frequency = lowpass_patch_response(inputs, patch_size, self.freq_cutoff)
        return fuse_weights(attention, frequency, self.fusion, self.freq_weight)

    @torch.no_grad()
    def refresh(self, runner) -> None:
        """Recomputes every map of the training set (this rank's share, then gathered)."""
        self._attach(runner)
        model = self._model(runner)
        loader = self._refresh_loader(runner, tuple(model.backbone.img_size))
        if len(loader.dataset) != len(self.store):
            raise ValueError(f'FAMTRefreshHook: refresh dataset has {len(loader.dataset)} '
                             f'images, the training dataset {len(self.store)}')
        rank, world_size = get_dist_info()
        runner.logger.info(f'FAMT: refreshing the sampling weights of {len(self.store)} images '
                           f'(epoch {runner.epoch})')
        bar = ProgressBar(len(self.store)) if rank == 0 else None
        indices, maps = [], []
        was_training = model.training
        model.eval()
        for batch in loader:
            data = model.data_preprocessor(batch, False)
            maps.append(self.sampling_weights(model, data['inputs']).cpu())
            indices.append(torch.tensor([s.sample_idx for s in data['data_samples']]))
            done = min(len(indices[-1]) * world_size, len(self.store) - bar.completed) if bar else 0
            if done > 0:
                bar.update(done)
        model.train(was_training)
        if bar is not None:
            bar.file.write('\n')
        indices, maps = torch.cat(indices), torch.cat(maps)  # (n,), (n, h, w)
        if world_size > 1:  # DefaultSampler pads every rank to the same length
            indices, maps = torch.cat(all_gather(indices)), torch.cat(all_gather(maps))
        self.store[indices] = (maps * 255).round().to(torch.uint8)
        weights = self.store.float() / 255
        runner.logger.info(f'FAMT: weights refreshed, mean {weights.mean():.3f}, '
                           f'min {weights.min():.3f}, max {weights.max():.3f}')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Saves the maps and the epoch of the last refresh."""
        if self.store is not None:
            checkpoint[CHECKPOINT_KEY] = dict(weights=self.store.clone(),
                                              refreshed_epoch=self.refreshed_epoch)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Restores the maps of a checkpoint of the same training set."""
        state = checkpoint.get(CHECKPOINT_KEY)
        if state is None:
            return
        self._attach(runner)
        if state['weights'].shape != self.store.shape:
            runner.logger.warning(
                f'FAMT: checkpoint maps {tuple(state["weights"].shape)} do not fit this '
                f'training set {tuple(self.store.shape)}; starting from uniform maps')
            return
        self.store.copy_(state['weights'])
        self.refreshed_epoch = state['refreshed_epoch']
        runner.logger.info(f'FAMT: sampling weights restored (refreshed at epoch '
                           f'{self.refreshed_epoch})')
