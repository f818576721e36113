"""Runs GPU recipes unchanged on machines without CUDA."""
from typing import Any, List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def _sync_bn_to_bn(node: Any) -> int:
    """Replaces ``type='SyncBN'`` by ``'BN'`` in a nested config, in place.

    Args:
        node: A config dict, list or leaf.

    Returns:
        How many norm configs were switched.
    """
    switched = 0
    if isinstance(node, dict):
        if node.get('type') == 'SyncBN':
            node['type'] = 'BN'
            switched += 1
        for value in node.values():
            switched += _sync_bn_to_bn(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            switched += _sync_bn_to_bn(value)
    return switched


def adapt_to_cpu(cfg: Config, distributed: bool) -> List[str]:
    """Switches the GPU-only settings of a config when no CUDA device is present.

    AMP wrapper -> plain ``OptimWrapper``, nccl -> gloo, SyncBN -> BN, DDP without device
    ids and no pinned memory. Does nothing when CUDA is available.

    Args:
        cfg: The full config, changed in place.
        distributed: Whether the run is launched with several processes.

    Returns:
        One line per change for the log, each starting with ``No CUDA device, CPU fallback``.
    """
    if torch.cuda.is_available():
        return []
    notes = []
    optim_wrapper = cfg.get('optim_wrapper')
    if optim_wrapper is not None and optim_wrapper.get('type') == 'AmpOptimWrapper':
        optim_wrapper['type'] = 'OptimWrapper'
        for key in ('loss_scale', 'dtype', 'use_fsdp'):
            optim_wrapper.pop(key, None)
        notes.append('optim_wrapper: AmpOptimWrapper -> OptimWrapper (AMP needs CUDA)')
    dist_cfg = cfg.get('env_cfg', {}).get('dist_cfg')
    if dist_cfg is not None and dist_cfg.get('backend') == 'nccl':
        dist_cfg['backend'] = 'gloo'
        notes.append('env_cfg.dist_cfg.backend: nccl -> gloo')
    if _sync_bn_to_bn(cfg.get('model')):
        notes.append('model: SyncBN -> BN')
    if distributed and cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        notes.append('model_wrapper_cfg: MMDistributedDataParallel(device_ids=None)')
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if loader and loader.get('pin_memory'):
            loader['pin_memory'] = False
            notes.append(f'{name}.pin_memory: True -> False')
    return [f'No CUDA device, CPU fallback: {note}' for note in notes]


def init_cpu_process_group(launcher: str, dist_cfg: dict) -> Optional[str]:
    """Starts a gloo process group for a CPU run launched by torchrun, before the Runner.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device``, which fails without CUDA; the
    Runner skips ``init_dist`` when a process group already exists.

    Args:
        launcher: The run's launcher.
        dist_cfg: ``env_cfg.dist_cfg`` (its ``backend`` is gloo here; the rest is passed on).

    Returns:
        A line for the log when the group was started here, else None.

    Raises:
        RuntimeError: A launcher other than ``'pytorch'`` without CUDA.
    """
    if torch.cuda.is_available() or launcher == 'none' or torch_dist.is_initialized():
        return None
    if launcher != 'pytorch':
        raise RuntimeError(f'--launcher {launcher} needs CUDA (mmengine selects a GPU per '
                           'process); on CPU, start the processes with torchrun and '
                           '--launcher pytorch')
    torch_dist.init_process_group(
        backend='gloo', **{k: v for k, v in dist_cfg.items() if k != 'backend'})
    return ('No CUDA device, CPU fallback: gloo process group started before the Runner '
            "(mmengine's init_dist selects a GPU)")
