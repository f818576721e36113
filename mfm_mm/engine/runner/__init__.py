from .atomic_backend import AtomicLocalBackend, DiskWriteError, remove_stale_partials
from .build import apply_train_args, build_runner, load_config
from .checked_writers import CheckedLocalVisBackend
from .config_check import check_config
from .cpu_fallback import adapt_to_cpu
from .mid_epoch_resume_loop import MidEpochResumeTrainLoop
from .resume import find_resumable_checkpoint, is_complete_checkpoint
from .safe_load import load_checkpoint_file

__all__ = [
    'AtomicLocalBackend', 'CheckedLocalVisBackend', 'DiskWriteError', 'MidEpochResumeTrainLoop',
    'adapt_to_cpu', 'apply_train_args', 'build_runner', 'check_config',
    'find_resumable_checkpoint', 'is_complete_checkpoint', 'load_checkpoint_file', 'load_config',
    'remove_stale_partials'
]
