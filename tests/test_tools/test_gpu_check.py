"""gpu_check.sh without a GPU: its plan (--dry-run), its errors, and the summary table."""
import json
import subprocess

import pytest
import torch
from conftest import PYTHON, REPO, run_tool

SCRIPT = 'tools/analysis_tools/gpu_check.sh'


def dry_run(*options):
    lines = run_tool(['bash', SCRIPT, '--dry-run', *options]).stdout.splitlines()
    return [line for line in lines if line.startswith('+ ')]


def test_dry_run_plans_benchmarks_training_compile_and_summary_within_8_minutes():
    commands = dry_run()
    bench = [c for c in commands if 'benchmark_pretrain.py' in c]
    assert [(m, a) for m in ('vit-b', 'resnet50') for a in ('bf16', 'fp16')] == [
        (c.split('configs/mfm_')[1].split('_300e')[0], c.split('--amp ')[1].split()[0])
        for c in bench[:4]]
    assert all('--device cuda --batch-size 128' in c for c in bench)
    assert '--compile inductor' in bench[4] and len(bench) == 5
    train = next(c for c in commands if 'tools/train.py' in c)
    assert '--amp' in train and 'train_dataloader.batch_size=96' in train
    assert 'crops_per_photo=160' in commands[0]  # 12 photos * 160 / 96 = 20 iterations
    assert 'summarise_gpu_check.py' in commands[-1]
    limits = [int(c.split('[')[1].split('s]')[0]) for c in commands]
    assert sum(limits) <= 480  # the per-step limits fit in 8 minutes


def test_options_batch_and_no_compile():
    commands = dry_run('--batch', '64', '--no-compile', '--peak-tflops', '100')
    bench = [c for c in commands if 'benchmark_pretrain.py' in c]
    assert len(bench) == 4 and all('--batch-size 64' in c and '--peak-tflops 100' in c
                                   for c in bench)


@pytest.mark.parametrize('options, message', [
    (['--batch', 'x'], "--batch must be a positive integer, got 'x'"),
    (['--fast'], "unknown option '--fast'"),
])
def test_bad_options_are_named(options, message):
    proc = subprocess.run(['bash', SCRIPT, *options], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and message in proc.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason='the check runs for real on a GPU')
def test_without_a_gpu_it_says_so(tmp_path):
    proc = subprocess.run(['bash', SCRIPT, '--out', str(tmp_path / 'out')], cwd=REPO,
                          capture_output=True, text=True,
                          env=dict(PYTHON=PYTHON, PATH='/usr/bin:/bin'))
    assert proc.returncode == 1 and 'no CUDA device visible' in proc.stderr


def test_summary_table_reads_benchmarks_training_and_failures(tmp_path):
    bench = dict(
        device_name='NVIDIA H200', amp='bf16', batch_size=128, ratio_fast_stock=0.61,
        ratio_mfm_pixel=1.01, images_per_s=1500., tflop_per_s=150., mfu=0.1517, peak_mib=20480.,
        step_ms={'(a) MFM train step': 85.3, '(f) MFM step, stock backbone': 140.0})
    (tmp_path / 'bench_vit-b_bf16.json').write_text(json.dumps(bench))
    logs = tmp_path / 'train' / '20261201_000000' / 'vis_data'
    logs.mkdir(parents=True)
    (logs / 'scalars.json').write_text(''.join(
        json.dumps(dict(iter=i, loss=1.0 / i, time=0.2 + i / 100, step=i)) + '\n'
        for i in (5, 10, 15, 20)))
    (tmp_path / 'failures.txt').write_text('gpu_check.sh: SKIPPED (time budget spent): x\n')
    out = run_tool([PYTHON, 'tools/analysis_tools/summarise_gpu_check.py', str(tmp_path)]).stdout
    assert ('| vit-b_bf16 | NVIDIA H200 | bf16 | 128 | 85.3 | 140.0 | 0.610 | 1.010 | 1500 | '
            '150.00 | 0.152 | 20480 |') in out
    assert 'train (tools/train.py, AMP): 20 iterations, loss 0.2000 -> 0.0500, 0.325 s/iter' in out
    assert 'SKIPPED (time budget spent)' in out
