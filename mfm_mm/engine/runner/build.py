"""Config loading and runner construction shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import BaseLoop, Runner

from ...utils.pipeline import merge_by_type
from .config_check import check_config
from .cpu_fallback import adapt_to_cpu, init_cpu_process_group
from .resume import checkpoints_in
from .safe_write import check_writable, raise_on_log_write_errors, startup_bytes


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


def apply_train_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Applies ``tools/train.py``'s switches to the config, in place.

    Args:
        cfg: The full config.
        args: ``--resume``, ``--amp``, ``--no-validate``, ``--auto-scale-lr``,
            ``--no-pin-memory`` and ``--no-persistent-workers``.

    Returns:
        The config.

    Raises:
        ValueError: The config itself sets ``resume=True`` (mmpretrain's MAE recipe does),
            ``--resume`` was not given and the work_dir already holds checkpoints: a new
            run would silently continue the old one.
    """
    if args.resume is None and cfg.get('resume'):
        found = checkpoints_in(cfg.work_dir) if osp.isdir(cfg.work_dir) else []
        if found:
            raise ValueError(
                f'{cfg.filename} sets resume=True itself (not --resume), and {cfg.work_dir} '
                f'already holds checkpoints ({", ".join(map(osp.basename, found[:3]))}): add '
                '--resume to continue that run, or pass a new --work-dir to start a new one')
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None:
        cfg.resume, cfg.load_from = True, None if args.resume == 'auto' else args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if loader is not None and args.no_pin_memory:
            loader['pin_memory'] = False
        if loader is not None and args.no_persistent_workers:
            loader['persistent_workers'] = False
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
    ``custom_hooks``, a ``CheckpointHook`` without ``backend_args`` writes through
    ``AtomicLocalBackend`` and ``LocalVisBackend`` becomes ``CheckedLocalVisBackend`` (a
    failed write names the file and the free space). The project's runtime bases have the
    first two.

    Args:
        cfg: The full config.
    """
    _add_missing_hooks(cfg, ('SafeCheckpointHook', ))
    checkpoint = (cfg.get('default_hooks') or {}).get('checkpoint')
    if checkpoint is not None and checkpoint.get('backend_args') is None:
        checkpoint['backend_args'] = dict(backend='atomic_local')
    for backend in (cfg.get('visualizer') or {}).get('vis_backends') or []:
        if backend.get('type') == 'LocalVisBackend':
            backend['type'] = 'CheckedLocalVisBackend'


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

    Checks the config (:func:`check_config`) and, for training, that the work_dir has room
    for the Runner's start-up writes (:func:`startup_bytes`); switches GPU-only settings when
    there is no CUDA (:func:`adapt_to_cpu`, and a gloo process group for torchrun) and the
    project's checkpoint guarantees on (:func:`switch_on_guarantees`), for training its run
    guards (:func:`switch_on_run_guards`); a failed write of the text log then stops the run
    naming the file.

    Args:
        cfg: The full config (changed in place).
        phase: ``'train'`` or ``'test'``: which dataloaders :func:`check_config` checks.

    Returns:
        The runner; every CPU switch is written to its log.

    Raises:
        DiskWriteError: The work_dir cannot be written (names it and the free space).
    """
    check_config(cfg, phase)
    launcher = cfg.get('launcher', 'none')
    notes = adapt_to_cpu(cfg, distributed=launcher != 'none')
    switch_on_guarantees(cfg)
    if phase == 'train':
        check_writable(cfg.work_dir, startup_bytes(cfg.pretty_text))
        switch_on_run_guards(cfg)
    started = init_cpu_process_group(launcher, cfg.get('env_cfg', {}).get('dist_cfg') or {})
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    raise_on_log_write_errors(runner.logger)
    for note in notes + ([started] if started else []):
        runner.logger.info(note)
    return runner


def stop_dataloader_workers(runner: Runner) -> None:
    """Ends the dataloader workers that ``runner``'s loops keep alive after the run, now.

    A persistent loader keeps its workers in ``DataLoader._iterator``, mmengine's
    ``IterBasedTrainLoop`` in its ``dataloader_iterator``, until they are collected. A Runner
    is a reference cycle, so that happens in a later garbage collection, which may finalise
    the workers' queues first: the stop message then never reaches the workers, and each
    costs torch's 5 s join timeout before it is killed (a subprocess' caller also waits that
    long for the workers' copies of its pipes). The tools and the demo call this after every
    run, so several runs in one process do not pile up workers.

    Args:
        runner: A runner after ``train()`` or ``test()`` (or their failure).
    """
    for loop in (runner._train_loop, runner._val_loop, runner._test_loop):
        if not isinstance(loop, BaseLoop):  # never built
            continue
        for holder in (loop.dataloader, getattr(loop, 'dataloader_iterator', None)):
            iterator = getattr(holder, '_iterator', None)
            if hasattr(iterator, '_shutdown_workers'):
                iterator._shutdown_workers()
                holder._iterator = None
