from .atomic_local_backend import AtomicLocalBackend
from .checkpoint_loader import load_checkpoint_file

__all__ = ['AtomicLocalBackend', 'load_checkpoint_file']
