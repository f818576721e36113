from .build import apply_train_args, build_runner, load_config, stop_dataloader_workers
from .config_check import check_config
from .cpu_fallback import adapt_to_cpu
from .resume import MidEpochResumeTrainLoop, find_resumable_checkpoint, is_complete_checkpoint
from .safe_load import load_checkpoint_file
from .safe_write import (AtomicLocalBackend, CheckedLocalVisBackend, DiskWriteError,
                         remove_stale_partials, startup_bytes)

__all__ = [
    'AtomicLocalBackend', 'CheckedLocalVisBackend', 'DiskWriteError', 'MidEpochResumeTrainLoop',
    'adapt_to_cpu', 'apply_train_args', 'build_runner', 'check_config',
    'find_resumable_checkpoint', 'is_complete_checkpoint', 'load_checkpoint_file', 'load_config',
    'remove_stale_partials', 'startup_bytes', 'stop_dataloader_workers'
]
