"""``--resume`` only into the run a checkpoint belongs to: same model, same schedule."""
from typing import Any, Dict, List

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

from ...utils.model import unwrap_model

SHOWN = 3  # mismatches named per kind


def model_differences(saved: Dict[str, torch.Tensor], model: torch.nn.Module) -> List[str]:
    """One phrase per kind of difference (shape, missing, extra) between the tensors of a
    checkpoint's ``state_dict`` and ``model``'s, naming the first ones; empty when all agree. An
    empty tensor of the model (a buffer sized from the data or the checkpoint, e.g. FAMT's
    weight maps) takes any shape."""
    current = unwrap_model(model).state_dict()
    shapes = [f'{name} {tuple(saved[name].shape)} in the checkpoint, {tuple(t.shape)} in the '
              'model' for name, t in current.items()
              if name in saved and t.numel() and tuple(saved[name].shape) != tuple(t.shape)]
    missing = [name for name in current if name not in saved]
    extra = [name for name in saved if name not in current]
    return [f'{len(names)} {kind} (first: {", ".join(names[:SHOWN])})'
            for kind, names in (('shape mismatches', shapes),
                                ('tensors missing from the checkpoint', missing),
                                ('tensors the model lacks', extra)) if names]


def _flat(node: Any, prefix: str) -> Dict[str, Any]:
    """``{dotted key: leaf}`` of a config node; list items are named by their type."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, (list, tuple)) and all(isinstance(n, dict) for n in node):
        items = ((n.get('type', i), n) for i, n in enumerate(node))
    else:
        return {prefix: node}
    return {flat_key: leaf for key, value in items if key != '_scope_'
            for flat_key, leaf in _flat(value, f'{prefix}.{key}').items()}


def _overridden_changes(saved_cfg: str, cfg: Config) -> List[str]:
    """``'key old -> new'`` per value of ``optim_wrapper`` and ``param_scheduler`` that the
    run's config changes from the checkpoint's ``meta['cfg']`` (a resume restores the old)."""
    try:
        saved = Config.fromstring(saved_cfg, '.py') if saved_cfg else {}
    except Exception:  # a config text of another stack: nothing to compare
        return []
    changes = []
    for name in ('optim_wrapper', 'param_scheduler'):
        if saved.get(name) is None:
            continue
        old, new = _flat(saved.get(name), name), _flat(cfg.get(name), name)
        changes += [f'{key} {old.get(key)!r} -> {new.get(key)!r}'
                    for key in sorted(set(old) | set(new), key=str) if old.get(key) != new.get(key)]
    return changes


def _layout(runner) -> dict:
    """The run's iterations per epoch, images, batch size per process and processes."""
    loader = runner.train_loop.dataloader
    return dict(iters_per_epoch=len(loader), dataset_size=len(loader.dataset),
                batch_size=loader.batch_size, world_size=runner.world_size)


def _describe(layout: dict) -> str:
    """The layout in words."""
    return (f"{layout['iters_per_epoch']} iterations per epoch ({layout['dataset_size']} "
            f"images, batch {layout['batch_size']} x {layout['world_size']} processes)")


@HOOKS.register_module()
class ResumeCheckHook(Hook):
    """Checks a checkpoint against the config before ``--resume`` restores it.

    Every checkpoint records its run's iterations per epoch, dataset size, batch size and number
    of processes. On resume, a model whose tensor names or shapes differ is an error naming the
    first mismatches (instead of mmengine's line per tensor, random weights and a later
    optimizer crash); so is a different number of iterations per epoch or total batch (batch
    size x processes), saying how to go on: the restored schedule counts the old iterations.
    Only the split of an unchanged total batch over processes may change; that and changed
    optimizer or schedule settings (which the restored state overrides) are logged. Checkpoints
    without the record (older runs) resume only when ``iter`` is ``epoch`` times this run's
    iterations per epoch."""

    priority = 'VERY_HIGH'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Records the run's data layout in the checkpoint's meta."""
        checkpoint['meta']['data_layout'] = _layout(runner)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Raises before a resume that would train a different model or schedule."""
        if not runner._resume:
            return
        source, meta, now = runner._load_from, checkpoint['meta'], _layout(runner)
        new_run = f'start a new run from its weights with --cfg-options load_from={source}'
        differences = model_differences(checkpoint['state_dict'], runner.model)
        if differences:
            raise ValueError(f'cannot resume {source}: its model differs from the config\'s: '
                             f'{"; ".join(differences)}. Resume with the config it was '
                             f'trained with, or {new_run} (without --resume)')
        changes = _overridden_changes(meta.get('cfg', ''), runner.cfg)
        if changes:
            runner.logger.warning(
                f'resume: the config changes {"; ".join(changes)}. The optimizer and scheduler '
                f'state restored from {source} overrides them: the run goes on with the old '
                f'lr and schedule (for the new ones, {new_run}, without --resume)')
        saved = meta.get('data_layout')
        if saved is None:
            if meta['iter'] == meta['epoch'] * now['iters_per_epoch']:
                return
            saved_text = f'iteration {meta["iter"]} at the end of epoch {meta["epoch"]}'
        elif (saved['iters_per_epoch'], saved['batch_size'] * saved['world_size']) == (
                now['iters_per_epoch'], now['batch_size'] * now['world_size']):
            if saved != now:
                runner.logger.info(f'resume: {_describe(saved)} before, {_describe(now)} now; '
                                   'the schedule carries over')
            return
        else:
            saved_text = _describe(saved)
        raise ValueError(
            f'cannot resume {source}: it was trained with {saved_text}, this run has '
            f'{_describe(now)}. The restored schedule counts the old iterations, so warm-up, '
            'cosine and the ETA would end at the wrong epoch. Resume with the old batch size, '
            f'number of processes and dataset, or {new_run} (without --resume; optimizer and '
            'schedule start over)')
