"""openmim: ``mim search / train / test mfm_mm`` on a regular (non-editable) install.

The package is built from a copy of the repository (``pip install --target``), which runs
setup.py's copy of configs, tools and model-index.yml into ``mfm_mm/.mim``. A modern editable
install (PEP 660) keeps the package outside site-packages, where mim does not look.
"""
import os
import os.path as osp
import shutil
import subprocess

import pytest

from conftest import PYTHON, REPO, run_tool
from test_metafiles import INDEX

SOURCES = ('setup.py', 'MANIFEST.in', 'README.md', 'LICENSE', 'CITATION.cff', 'model-index.yml',
           'requirements', 'configs', 'tools', 'mfm_mm')
MIM = osp.join(osp.dirname(PYTHON), 'mim')
TINY = ['--cfg-options', 'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_dataloader.dataset.indices=16',
        'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.scale=64',
        'train_dataloader.dataset.pipeline.FrequencyMaskGenerator.radius=4', 'model.backbone.img_size=64',
        'train_cfg.max_epochs=1', 'param_scheduler.warmup=0', 'param_scheduler.end=1',
        'default_hooks.logger.interval=1']


@pytest.fixture(scope='module')
def site(tmp_path_factory) -> str:
    """``mfm_mm`` installed from a copy of the repository into a folder of its own."""
    root = tmp_path_factory.mktemp('mim')
    for name in SOURCES:
        source, target = osp.join(REPO, name), str(root / 'src' / name)
        if osp.isdir(source):
            shutil.copytree(source, target,
                            ignore=shutil.ignore_patterns('__pycache__', '.mim'))
        else:
            os.makedirs(osp.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)
    pip_install(str(root / 'src'), str(root / 'site'))
    return str(root / 'site')


def pip_install(source: str, target: str) -> None:
    """``pip install`` without dependencies, index or build isolation into ``target``."""
    run_tool([PYTHON, '-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation',
              '--no-index', '--target', target, source])


def mim(site: str, *args, check: bool = True) -> subprocess.CompletedProcess:
    """Runs ``mim ARGS`` with the installed copy first on the path."""
    env = {'PYTHONPATH': site, 'COLUMNS': '200'}
    if check:
        return run_tool([MIM, *args], env=env)
    return subprocess.run([MIM, *args], env=dict(os.environ, **env), capture_output=True,
                          text=True, timeout=300)


def test_the_wheel_carries_the_mim_extension(site):
    mim_dir = osp.join(site, 'mfm_mm', '.mim')
    for name in ('model-index.yml', 'configs/mfm_vit-b_800e.py', 'configs/mfm/metafile.yml',
                 'configs/_base_/mfm_runtime.py', 'tools/train.py', 'tools/test.py',
                 'tools/dist_train.sh'):
        path = osp.join(mim_dir, name)
        assert osp.isfile(path) and not osp.islink(path), name
    with open(osp.join(REPO, 'configs', 'mfm_vit-b_800e.py')) as a, open(
            osp.join(mim_dir, 'configs', 'mfm_vit-b_800e.py')) as b:
        assert a.read() == b.read()


def test_a_wheel_built_from_the_sdist_keeps_the_extension(site, tmp_path):
    source = osp.join(osp.dirname(site), 'src')
    run_tool([PYTHON, 'setup.py', '-q', 'sdist', '-d', str(tmp_path)], cwd=source)
    sdist = osp.join(str(tmp_path), 'mfm_mm-0.1.0.tar.gz')
    pip_install(sdist, str(tmp_path / 'site'))
    for name in ('model-index.yml', 'configs/mfm/metafile.yml', 'tools/train.py'):
        assert osp.isfile(osp.join(str(tmp_path), 'site', 'mfm_mm', '.mim', name)), name


def test_mim_search_lists_the_paper_numbers(site):
    out = mim(site, 'search', 'mfm_mm', '--field', 'imagenet-1k/top_1_accuracy_(paper)').stdout
    found = {}
    for block in out.split('config id: ')[1:]:
        lines = block.strip().splitlines()
        found[lines[0].strip()] = float(lines[1].split()[-1])
    assert found['mfm_vit-base-p16_8xb256-amp-coslr-300e_in1k'] == 83.1
    assert found['mfm_resnet50_8xb256-amp-coslr-300e_in1k'] == 78.5
    assert found['conmim_vit-base-p16_8xb256-amp-coslr-800e_in1k'] == 83.7
    assert len(found) == 11


def test_mim_search_shows_every_result_at_the_default_width(site):
    out = subprocess.run([MIM, 'search', 'mfm_mm'], env=dict(os.environ, PYTHONPATH=site),
                         capture_output=True, text=True, timeout=300, check=True).stdout
    rows = [line for line in out.splitlines() if '(measured)' in line or '(paper)' in line]
    assert len(rows) == sum(len(r.metrics) for m in INDEX.models for r in m.results or [])
    for row in rows:
        assert len(row) <= 80 and not row.endswith('...'), row
        float(row.split()[-1])  # the number itself, not dots
    assert 'imagenet-1k/top_1_accuracy_(paper)          83.1' in out


def _assert_trained(work_dir: str) -> None:
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert osp.isfile(osp.join(work_dir, 'mfm_vis', 'epoch_1.png'))


@pytest.mark.slow
def test_mim_train_finds_the_config_and_tools_train(site, tiny_imagenet, tmp_path):
    work_dir = str(tmp_path / 'run')
    out = mim(site, 'train', 'mfm_mm', 'mfm_vit-tiny-p16_cpu-demo_128px.py', '--gpus', '0',
              '--work-dir', work_dir, *TINY,
              f'train_dataloader.dataset.data_root={tiny_imagenet}').stdout
    script = osp.join(site, 'mfm_mm', '.mim', 'tools', 'train.py')
    config = osp.join(site, 'mfm_mm', '.mim', 'configs', 'demo',
                      'mfm_vit-tiny-p16_cpu-demo_128px.py')
    assert f'{script} {config} --launcher none' in out
    assert 'Epoch(train) [1][2/2]' in out  # 16 images / batch 8
    _assert_trained(work_dir)


@pytest.mark.slow
def test_mim_train_pytorch_launcher_runs_two_processes(site, tiny_imagenet, tmp_path):
    work_dir = str(tmp_path / 'ddp')
    out = mim(site, 'train', 'mfm_mm', 'mfm_vit-tiny-p16_cpu-demo_128px.py', '--launcher',
              'pytorch', '--gpus', '2', '--port', '29631', '--work-dir', work_dir, *TINY,
              f'train_dataloader.dataset.data_root={tiny_imagenet}').stdout
    assert '-m torch.distributed.launch --nproc_per_node=2 --master_port=29631' in out
    assert 'Epoch(train) [1][1/1]' in out  # 16 images / (2 processes x 8)
    _assert_trained(work_dir)


def test_mim_train_slurm_builds_the_srun_command(site, tmp_path):
    fake = tmp_path / 'bin'
    fake.mkdir()
    (fake / 'srun').write_text('#!/bin/sh\necho "$@" > "$SRUN_RECORD"\n')
    (fake / 'srun').chmod(0o755)
    record = tmp_path / 'srun.txt'
    env = dict(os.environ, PYTHONPATH=site, PATH=f'{fake}:{os.environ["PATH"]}',
               SRUN_RECORD=str(record))
    # mim 0.3.9 with click >= 8.2 needs --srun-args given (its default is click's sentinel)
    subprocess.run([MIM, 'train', 'mfm_mm', 'mfm_vit-b_800e.py', '--launcher', 'slurm',
                    '--gpus', '16', '--gpus-per-node', '8', '--partition', 'p1',
                    '--srun-args=--quiet', '--work-dir', 'work_dirs/x'], env=env, check=True,
                   capture_output=True, timeout=300)
    srun = record.read_text().split()
    assert srun[:5] == ['-p', 'p1', '--gres=gpu:8', '--ntasks=16', '--ntasks-per-node=8']
    script = srun.index(osp.join(site, 'mfm_mm', '.mim', 'tools', 'train.py'))
    assert srun[script + 1:] == [
        osp.join(site, 'mfm_mm', '.mim', 'configs', 'mfm_vit-b_800e.py'), '--launcher', 'slurm',
        '--work-dir', 'work_dirs/x']


@pytest.mark.slow
def test_mim_test_passes_config_and_checkpoint_to_tools_test(site, tmp_path):
    checkpoint = str(tmp_path / 'finetuned.pth')
    out = mim(site, 'test', 'mfm_mm', 'vit-base-p16_imagenet-a.py', '--checkpoint', checkpoint,
              '--gpus', '0', check=False)
    script = osp.join(site, 'mfm_mm', '.mim', 'tools', 'test.py')
    config = osp.join(site, 'mfm_mm', '.mim', 'configs', 'robustness', 'vit-base-p16_imagenet-a.py')
    assert f'{script} {config} {checkpoint} --launcher none' in out.stdout
    # tools/test.py ran and refused the missing checkpoint, naming it
    assert out.returncode != 0 and f'checkpoint not found: {checkpoint}' in out.stdout + out.stderr
