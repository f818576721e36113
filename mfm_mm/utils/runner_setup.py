"""Config loading and runner construction shared by ``tools/train.py`` and ``tools/test.py``."""
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from .config_check import check_config
from .cpu_fallback import adapt_to_cpu
from .pipeline import merge_by_type


def load_config(path: str, launcher: str = 'none', work_dir: Optional[str] = None,
                cfg_options: Optional[dict] = None) -> Config:
    """Loads a config the way OpenMMLab tools do.

    Args:
        path: Config file.
        launcher: ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        work_dir: ``--work-dir``; otherwise the config's, else ``work_dirs/<config name>``.
        cfg_options: ``--cfg-options`` overrides; list items may be named by type
            (:func:`~mfm_mm.utils.pipeline.merge_by_type`).

    Returns:
        The config.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        merge_by_type(cfg, cfg_options)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        collate = (cfg.get(name) or {}).get('collate_fn')
        if isinstance(collate, dict):
            # `mmpretrain::` inheritance tags every typed dict with `_scope_`, and mmengine
            # passes a collate_fn's keys on to the function as keyword arguments
            collate.pop('_scope_', None)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def _add_missing_hooks(cfg: Config, names: Sequence[str]) -> None:
    """Appends ``dict(type=name)`` to ``custom_hooks`` for each name not there yet."""
    hooks = list(cfg.get('custom_hooks') or [])  # Config.setdefault would return a copy
    hooks += [dict(type=name) for name in names
              if not any(hook.get('type') == name for hook in hooks)]
    cfg.custom_hooks = hooks


def switch_on_guarantees(cfg: Config) -> None:
    """Adds the project's checkpoint guarantees to a config that lacks them, in place.

    ``SafeCheckpointHook`` (safe loading, resume from the newest complete checkpoint) joins
    ``custom_hooks``, and a ``CheckpointHook`` without ``backend_args`` writes through
    ``AtomicLocalBackend``. The project's runtime bases already have both.

    Args:
        cfg: The full config.
    """
    _add_missing_hooks(cfg, ('SafeCheckpointHook', ))
    checkpoint = (cfg.get('default_hooks') or {}).get('checkpoint')
    if checkpoint is not None and checkpoint.get('backend_args') is None:
        checkpoint['backend_args'] = dict(backend='atomic_local')


def switch_on_run_guards(cfg: Config) -> None:
    """Adds the project's guards of a training run to a config that lacks them, in place.

    ``WorkDirLockHook`` (one live run per work_dir), ``ResumeCheckHook`` (``--resume`` only
    with the same model and schedule), ``LatestCheckpointHook`` (a checkpoint and a clean
    stop on SIGTERM / SIGUSR1) and ``PretrainedGuardHook`` (no silent partial load of
    pre-trained weights) join ``custom_hooks``, and an ``EpochBasedTrainLoop`` becomes a
    :class:`~mfm_mm.engine.runner.MidEpochResumeTrainLoop`, which resumes such a checkpoint
    where it stopped. The project's pre-training runtime base already has the first three.

    Args:
        cfg: The full config.
    """
    _add_missing_hooks(cfg, ('WorkDirLockHook', 'ResumeCheckHook', 'LatestCheckpointHook',
                             'PretrainedGuardHook'))
    loop = cfg.get('train_cfg')
    if loop is not None and loop.get('type', 'EpochBasedTrainLoop' if loop.get('by_epoch')
                                     else None) == 'EpochBasedTrainLoop':
        loop.pop('by_epoch', None)
        loop['type'] = 'MidEpochResumeTrainLoop'


def build_runner(cfg: Config, phase: str = 'train') -> Runner:
    """Builds the runner the way the project's tools do.

    Checks the config (:func:`check_config`), switches GPU-only settings when there is no
    CUDA (:func:`adapt_to_cpu`) and the project's checkpoint guarantees on
    (:func:`switch_on_guarantees`), and for training its run guards
    (:func:`switch_on_run_guards`).

    Args:
        cfg: The full config (changed in place).
        phase: ``'train'`` or ``'test'``: which dataloaders :func:`check_config` checks.

    Returns:
        The runner; every CPU switch is written to its log.
    """
    check_config(cfg, phase)
    notes = adapt_to_cpu(cfg, distributed=cfg.get('launcher', 'none') != 'none')
    switch_on_guarantees(cfg)
    if phase == 'train':
        switch_on_run_guards(cfg)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    for note in notes:
        runner.logger.info(note)
    return runner
