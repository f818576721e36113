"""Prints the one summary table of ``gpu_check.sh`` from the files it wrote.

Reads ``OUT/bench_*.json`` (``benchmark_pretrain.py --json``), the training run's
``OUT/train/*/vis_data/scalars.json`` (mmengine's ``LocalVisBackend``) and
``OUT/failures.txt``.

Example::

    python tools/analysis_tools/summarise_gpu_check.py work_dirs/gpu_check
"""
import argparse
import glob
import json
import os.path as osp
import statistics
from typing import List, Optional


def fmt(value: Optional[float], spec: str) -> str:
    return '-' if value is None else format(value, spec)


def benchmark_rows(out: str) -> List[str]:
    """One table row per ``bench_*.json`` in ``out``."""
    rows = ['| run | device | amp | batch | fast ms | stock ms | fast/stock | MFM/pixel-L2 '
            '| images/s | TFLOP/s | MFU | peak MiB |', '|' + '---|' * 12]
    for path in sorted(glob.glob(osp.join(out, 'bench_*.json'))):
        with open(path) as file:
            r = json.load(file)
        steps = r['step_ms']
        rows.append(
            f"| {osp.basename(path)[6:-5]} | {r['device_name']} | {r['amp']} | "
            f"{r['batch_size']} | {steps['(a) MFM train step']:.1f} | "
            f"{steps['(f) MFM step, stock backbone']:.1f} | {r['ratio_fast_stock']:.3f} | "
            f"{r['ratio_mfm_pixel']:.3f} | {r['images_per_s']:.0f} | "
            f"{r['tflop_per_s']:.2f} | {fmt(r['mfu'], '.3f')} | {fmt(r['peak_mib'], '.0f')} |")
    return rows


def training_row(out: str) -> str:
    """The training run's iterations, first and last loss and median seconds per iteration."""
    logs = sorted(glob.glob(osp.join(out, 'train', '*', 'vis_data', 'scalars.json')))
    if not logs:
        return 'train: no log found (the run failed or was skipped)'
    with open(logs[-1]) as file:
        records = [json.loads(line) for line in file if '"loss"' in line]
    if not records:
        return f'train: {logs[-1]} has no logged loss'
    times = [r['time'] for r in records if 'time' in r]
    return (f"train (tools/train.py, AMP): {records[-1]['iter']} iterations, loss "
            f"{records[0]['loss']:.4f} -> {records[-1]['loss']:.4f}, "
            f"{fmt(statistics.median(times) if times else None, '.3f')} s/iter (median)")


def main() -> None:
    parser = argparse.ArgumentParser(description='Summary table of gpu_check.sh')
    parser.add_argument('out', help='the folder gpu_check.sh wrote (--out)')
    out = parser.parse_args().out
    if not osp.isdir(out):
        raise SystemExit(f'summarise_gpu_check: no folder {out!r}')
    print('\n'.join(benchmark_rows(out)))
    print(training_row(out))
    failures = osp.join(out, 'failures.txt')
    if osp.exists(failures):
        with open(failures) as file:
            print('failed or skipped:\n' + file.read().rstrip())


if __name__ == '__main__':
    main()
