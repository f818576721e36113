from .cpu_fallback import adapt_to_cpu
from .runner_setup import build_runner, load_config

__all__ = ['adapt_to_cpu', 'build_runner', 'load_config']
