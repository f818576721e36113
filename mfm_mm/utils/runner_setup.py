"""Config loading and runner construction shared by ``tools/train.py`` and ``tools/test.py``."""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from .config_check import check_config
from .cpu_fallback import adapt_to_cpu
from .resume import find_resumable_checkpoint


def load_config(path: str, launcher: str = 'none', work_dir: Optional[str] = None,
                cfg_options: Optional[dict] = None) -> Config:
    """Loads a config the way OpenMMLab tools do.

    Args:
        path: Config file.
        launcher: ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        work_dir: ``--work-dir``; otherwise the config's, else ``work_dirs/<config name>``.
        cfg_options: ``--cfg-options`` overrides.

    Returns:
        The config.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
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


def build_runner(cfg: Config, phase: str = 'train') -> Runner:
    """Builds the runner, switching GPU-only settings first when there is no CUDA.

    ``--resume`` without a path resumes the checkpoint named by ``last_checkpoint`` or, if
    that one is missing or incomplete, the newest complete checkpoint of the work_dir.

    Args:
        cfg: The full config (changed in place by the CPU fallback).
        phase: ``'train'`` or ``'test'``: which dataloaders :func:`check_config` checks.

    Returns:
        The runner; every CPU switch is written to its log.
    """
    check_config(cfg, phase)
    notes = adapt_to_cpu(cfg, distributed=cfg.get('launcher', 'none') != 'none')
    if cfg.get('resume') and not cfg.get('load_from'):
        cfg.load_from, skipped = find_resumable_checkpoint(cfg.work_dir)
        notes += [f'resume: skipped incomplete checkpoint {path}' for path in skipped]
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    for note in notes:
        runner.logger.info(note)
    return runner
