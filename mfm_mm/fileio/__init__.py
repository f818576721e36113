from .atomic_local_backend import AtomicLocalBackend, remove_stale_partials
from .checkpoint_loader import load_checkpoint_file

__all__ = ['AtomicLocalBackend', 'load_checkpoint_file', 'remove_stale_partials']
