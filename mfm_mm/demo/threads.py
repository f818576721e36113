"""Picks the torch thread count of the CPU demo by timing it.

On a shared 2-core machine two intra-op threads can run several times slower than one (the
threads wait on each other while a neighbour holds a core), so the demo measures instead of
trusting ``os.cpu_count()``.
"""
import os
import time
from typing import Dict, Optional, Sequence, Tuple

import torch

ENV_VAR = 'MFM_DEMO_THREADS'


def _step_seconds(num_threads: int, repeats: int) -> float:
    """Median time of two ViT-block-sized MLP steps (1,088 tokens x 128 channels, fwd + bwd)."""
    torch.set_num_threads(num_threads)
    generator = torch.Generator().manual_seed(0)
    tokens = torch.randn(1088, 128, generator=generator)
    up = torch.randn(128, 512, generator=generator, requires_grad=True)
    down = torch.randn(512, 128, generator=generator, requires_grad=True)
    times = []
    for _ in range(repeats + 1):  # the first call warms the thread pool up
        start = time.perf_counter()
        for _ in range(2):
            (torch.nn.functional.gelu(tokens @ up) @ down).square().mean().backward()
        times.append(time.perf_counter() - start)
    return sorted(times[1:])[len(times[1:]) // 2]


def usable_cores() -> int:
    """The cores this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return cores or 1


def default_jobs(num_threads: int) -> int:
    """Runs that fit side by side: the usable cores divided by the threads of each run."""
    return max(1, usable_cores() // num_threads)


def candidate_threads() -> Sequence[int]:
    """1, 2, 4, ... up to the cores this process may use."""
    cores = usable_cores()
    counts = [1]
    while counts[-1] * 2 <= cores:
        counts.append(counts[-1] * 2)
    return counts


def choose_num_threads(requested: Optional[int] = None, repeats: int = 3,
                       default: Optional[int] = None) -> Tuple[int, str, Dict[int, float]]:
    """Sets ``torch.set_num_threads`` for the demo.

    The first of these decides: ``requested`` (the ``--threads`` flag), the ``MFM_DEMO_THREADS``
    or ``OMP_NUM_THREADS`` environment variable, ``default``, else the fastest of
    :func:`candidate_threads` on a timed ViT-sized step.

    Args:
        requested: Thread count asked for on the command line, or ``None``.
        repeats: Timed repeats per candidate (the median counts).
        default: Count to take instead of measuring (independent runs side by side scale
            better than threads inside one run), or ``None`` to measure.

    Returns:
        The thread count, where it came from, and the measured seconds per candidate (empty
        when not measured).

    Raises:
        ValueError: The requested count or the environment variable is not a positive int.
    """
    source, value = 'measured', requested
    if requested is not None:
        source = '--threads'
    else:
        for name in (ENV_VAR, 'OMP_NUM_THREADS'):
            if os.environ.get(name):
                source, value = name, os.environ[name]
                break
    timings = {}
    if value is None and default is not None:
        source, value = 'one per run', default
    if value is None:
        timings = {count: _step_seconds(count, repeats) for count in candidate_threads()}
        value = min(timings, key=timings.get)
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f'{source}: thread count must be a positive integer, got {value!r}')
    torch.set_num_threads(count)
    return count, source, timings


def describe(count: int, source: str, timings: Dict[int, float]) -> str:
    """One log line: ``torch threads: 1 (measured: 1 -> 41 ms, 2 -> 180 ms)``."""
    measured = ', '.join(f'{n} -> {t * 1e3:.0f} ms' for n, t in timings.items())
    return f'torch threads: {count} ({source}{": " + measured if measured else ""})'
