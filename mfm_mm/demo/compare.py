"""MFM vs random initialisation: one code path for both arms, several seeds, mean and spread.

Both arms load the same config with the same ``--cfg-options``; they differ only in
``model.backbone.init_cfg`` (the converted MFM backbone, or the random init) and in their
work_dir. Each run returns the validation metric after every validation, so the seeds give
a curve with a spread.
"""
import contextlib
import multiprocessing
import os
import os.path as osp
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.runner import Runner

from ..engine.runner import build_runner, load_config, stop_dataloader_workers
from .quiet import quiet_known_warnings

Curves = Dict[str, List[List[float]]]  # arm -> one curve per seed


def arm_options(options: dict, init_cfg: Optional[object], seed: int, name: str) -> dict:
    """The ``--cfg-options`` of one arm and seed.

    Args:
        options: Options shared by every arm (data, schedule).
        init_cfg: ``model.backbone.init_cfg`` of this arm (``None``: the backbone's own init).
        seed: ``randomness.seed`` (data order, head init, augmentations).
        name: Run name, used as ``experiment_name`` so that runs in one process keep apart.

    Returns:
        ``options`` plus the arm's init, seed and name.
    """
    return dict(options, **{'model.backbone.init_cfg': init_cfg, 'randomness.seed': seed,
                            'experiment_name': name})


def build_arm(config: str, work_dir: str, options: dict) -> Runner:
    """Loads ``config`` with ``options`` and builds its runner (``mfm_mm.engine.build_runner``)."""
    return build_runner(load_config(config, work_dir=work_dir, cfg_options=options))


def run_arm(config: str, work_dir: str, options: dict, metric: str) -> List[float]:
    """Trains one arm and returns ``val/<metric>`` after every validation, in order."""
    runner = build_arm(config, work_dir, options)
    try:
        runner.train()
    finally:
        stop_dataloader_workers(runner)  # the next arm runs in this process
    values, _ = runner.message_hub.get_scalar(f'val/{metric}').data
    return [float(value) for value in values]


def _init_worker(num_threads: int) -> None:
    """Process-pool initializer: the parent's torch thread count and warning filters."""
    torch.set_num_threads(num_threads)
    quiet_known_warnings()


def _run_arm_logged(config: str, work_dir: str, options: dict, metric: str) -> List[float]:
    """:func:`run_arm` with its console output in ``{work_dir}/console.log`` (parallel runs
    would interleave their log lines)."""
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, 'console.log'), 'w') as log, \
            contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        return run_arm(config, work_dir, options, metric)


def compare(config: str, work_dir: str, options: dict, inits: Dict[str, Optional[object]],
            seeds: Sequence[int], metric: str, jobs: int = 1) -> Curves:
    """Runs every arm (``inits``: arm name -> backbone ``init_cfg``) for every seed.

    Runs go to ``{work_dir}/{arm}_seed{seed}``; seeds alternate between arms so that a load
    change on the machine hits both alike. Every run seeds itself, so the curves do not
    depend on ``jobs``.

    Args:
        config: Config of both arms.
        work_dir: Parent folder of the runs.
        options: ``--cfg-options`` shared by every arm (data, schedule).
        inits: Arm name -> ``model.backbone.init_cfg``.
        seeds: ``randomness.seed`` of the runs of each arm.
        metric: Validation metric of the curves (``val/<metric>``).
        jobs: Runs at a time: 1 runs them in this process with their logs on the console;
            more run in that many spawned processes (each with this process's torch thread
            count), logs in ``{run}/console.log``, one progress line per finished run.

    Returns:
        Arm name -> one validation curve per seed.
    """
    runs = [(arm, seed) for seed in seeds for arm in inits]
    names = {(arm, seed): f'{arm}_seed{seed}' for arm, seed in runs}
    args = {run: (config, osp.join(work_dir, name),
                  arm_options(options, inits[run[0]], run[1], name), metric)
            for run, name in names.items()}
    if jobs <= 1:
        results = {run: run_arm(*args[run]) for run in runs}
    else:
        results, start = {}, time.time()
        context = multiprocessing.get_context('spawn')
        with ProcessPoolExecutor(min(jobs, len(runs)), mp_context=context,
                                 initializer=_init_worker,
                                 initargs=(torch.get_num_threads(),)) as pool:
            futures = {pool.submit(_run_arm_logged, *args[run]): run for run in runs}
            for future in as_completed(futures):
                run = futures[future]
                results[run] = future.result()
                done, elapsed = len(results), time.time() - start
                eta = elapsed / done * (len(runs) - done)
                print(f'{osp.basename(work_dir)}: {names[run]} finished, {metric} '
                      f'{results[run][-1]:.2f} ({done}/{len(runs)} runs, {elapsed:.0f} s, '
                      f'eta {eta:.0f} s; log {args[run][1]}/console.log)', flush=True)
    return {arm: [results[arm, seed] for seed in seeds] for arm in inits}


def summarize(curves: Curves) -> Dict[str, dict]:
    """Final values per arm: mean, sample std, min, max and the per-seed values.

    Returns:
        Arm name -> ``dict(mean, std, min, max, values)``.
    """
    summary = {}
    for arm, runs in curves.items():
        final = np.array([run[-1] for run in runs])
        summary[arm] = dict(mean=float(final.mean()),
                            std=float(final.std(ddof=1)) if len(final) > 1 else 0.0,
                            min=float(final.min()), max=float(final.max()),
                            values=final.tolist())
    return summary


def verdict(summary: Dict[str, dict], better: str = 'mfm', other: str = 'random') -> str:
    """``'beyond'`` when every seed of ``better`` beats every seed of ``other``, ``'within'``
    when the seed ranges overlap, ``'below'`` when every seed of ``better`` loses."""
    if summary[better]['min'] > summary[other]['max']:
        return 'beyond'
    if summary[better]['max'] < summary[other]['min']:
        return 'below'
    return 'within'


def format_table(results: Dict[str, Dict[str, dict]]) -> str:
    """A markdown table: one row per task, MFM and random ``mean ± std [min, max]``, the gap.

    Args:
        results: Task label -> :func:`summarize` output with arms ``mfm`` and ``random``.
    """
    rows = ['| task | MFM init | random init | gap (MFM - random) | seed ranges |',
            '|---|---|---|---|---|']
    for task, summary in results.items():
        cells = [f"{s['mean']:.1f} ± {s['std']:.1f} [{s['min']:.1f}, {s['max']:.1f}]"
                 for s in (summary['mfm'], summary['random'])]
        gap = summary['mfm']['mean'] - summary['random']['mean']
        rows.append(f'| {task} | {cells[0]} | {cells[1]} | {gap:+.1f} | '
                    f'{verdict(summary)} the spread |')
    return '\n'.join(rows)


def plot_curves(panels: Dict[str, Curves], axes_x: Dict[str, Tuple[str, Sequence[int]]],
                path: str) -> str:
    """Saves one panel per task: each arm's mean curve with its min-max range over seeds.

    Args:
        panels: Panel title -> curves (arm -> one curve per seed).
        axes_x: Panel title -> x-axis label and the x value of each validation.
        path: Output PNG.

    Returns:
        ``path``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    for ax, (title, curves) in zip(axes[0], panels.items()):
        label, x = axes_x[title]
        for arm, runs in curves.items():
            runs = np.asarray(runs)  # (seeds, validations)
            mean = runs.mean(0)
            ax.errorbar(x, mean, yerr=[mean - runs.min(0), runs.max(0) - mean], marker='o',
                        ms=3, capsize=3, label=f'{arm} init ({len(runs)} seeds, min-max)')
        ax.set(title=title, xlabel=label)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
