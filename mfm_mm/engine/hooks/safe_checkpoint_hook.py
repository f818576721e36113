"""Safe checkpoint loading and complete-checkpoint resume, switched on per run."""
from typing import Callable, Optional

from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import CheckpointLoader

from ..runner.resume import find_resumable_checkpoint
from ..runner.safe_load import load_checkpoint_file


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Loads every local checkpoint of the run safely and resumes from a complete one.

    From ``before_run`` (before mmengine initialises weights, loads ``load_from`` or resumes)
    to ``after_run``, mmengine's loader for local files is
    :func:`~mfm_mm.engine.runner.load_checkpoint_file`: weights, training state and official
    release files load on any torch >= 2.0, pickles that would run code are refused.
    With ``resume=True`` and no ``load_from`` the run resumes
    :func:`~mfm_mm.engine.runner.find_resumable_checkpoint`'s choice, logging each file passed
    over; with none complete it starts from the beginning and says so. In mmengine's root
    registry, for mmpretrain and mmseg configs.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._previous: Optional[Callable] = None

    def before_run(self, runner) -> None:
        """Installs the safe loader and picks the checkpoint to resume."""
        self._previous = CheckpointLoader._schemes.get('')
        CheckpointLoader.register_scheme(prefixes='', loader=load_checkpoint_file, force=True)
        if runner._resume and runner._load_from is None:
            runner._load_from, notes = find_resumable_checkpoint(runner.work_dir)
            for note in notes:
                runner.logger.info(f'resume: {note}')
            if runner._load_from is None:
                runner._resume = False
                runner.logger.info(f'resume: no complete checkpoint in {runner.work_dir}, '
                                   'training from the start')

    def after_run(self, runner) -> None:
        """Gives mmengine its own loader back."""
        if self._previous is not None:
            CheckpointLoader.register_scheme(prefixes='', loader=self._previous, force=True)
