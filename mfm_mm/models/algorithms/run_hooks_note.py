"""One log line when an MFM run lacks the project's pictures and run guards.

A config run by an upstream tool (mmpretrain's ``tools/train.py``: a plain ``Runner``) gets
only the hooks it declares. The project's runtime bases (``configs/_base_/mfm_runtime.py``)
declare the hooks below; a config of one's own on an mmpretrain base does not, and would train
without pictures and guards without saying so. The check reads the running ``Runner``'s config
from the ``MessageHub`` (mmengine's ``RuntimeInfoHook`` puts it there before the run), so it
works with any runner and changes nothing of mmengine.
"""
import logging
from typing import Dict, List, Optional

from mmengine.config import Config
from mmengine.logging import MessageHub, print_log

# the hooks of configs/_base_/mfm_runtime.py, with what a run lacks without each
MFM_RUN_HOOKS: Dict[str, str] = {
    'MFMVisualizationHook': 'reconstruction pictures',
    'EpochSeedHook': 'exact resume',
    'NonFiniteLossHook': 'stop on NaN / Inf loss',
    'SafeCheckpointHook': 'safe checkpoint loading',
    'LatestCheckpointHook': 'latest.pth on SIGTERM',
    'WorkDirLockHook': 'one run per work_dir',
    'ResumeCheckHook': 'resume compatibility check',
}


def missing_run_hooks(cfg: Config) -> List[str]:
    """Names of :data:`MFM_RUN_HOOKS` that neither ``custom_hooks`` nor ``default_hooks`` has.

    Args:
        cfg: A full config.

    Returns:
        The missing hook types, in the order of :data:`MFM_RUN_HOOKS`.
    """
    hooks = list(cfg.get('custom_hooks') or []) + list((cfg.get('default_hooks') or {}).values())
    present = {hook.get('type') for hook in hooks if isinstance(hook, dict)}
    return [name for name in MFM_RUN_HOOKS if name not in present]


def run_hooks_note(missing: List[str]) -> str:
    """The line that names the missing hooks and how to add them or silence the note.

    Args:
        missing: Hook types, from :func:`missing_run_hooks`.

    Returns:
        One line.
    """
    lacks = ', '.join(f'{name} ({MFM_RUN_HOOKS[name]})' for name in missing)
    line = ', '.join(f"dict(type='{name}')" for name in missing)
    return (f'mfm_mm: this run has no {lacks}; add them to the config with custom_hooks = '
            f'[{line}] (beside its other custom hooks), or inherit '
            "configs/_base_/mfm_runtime.py; model.check_run_hooks=False silences this line")


def note_missing_run_hooks() -> Optional[str]:
    """Logs :func:`run_hooks_note` (a warning) if the running config lacks any of the hooks.

    Returns:
        The logged line; None when nothing is missing or no runner has started (the model
        used outside a ``Runner``).
    """
    text = MessageHub.get_current_instance().get_info('cfg')
    if text is None:
        return None
    missing = missing_run_hooks(Config.fromstring(text, '.py'))
    if not missing:
        return None
    note = run_hooks_note(missing)
    print_log(note, logger='current', level=logging.WARNING)
    return note
