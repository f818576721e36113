"""Shared fixtures: real bundled photos written in the ImageNet folder layout."""
import argparse
import contextlib
import io
import os
import os.path as osp
import runpy
import subprocess
import sys
import traceback

import pytest

if os.environ.get('PYTEST_XDIST_WORKER') and 'OMP_NUM_THREADS' not in os.environ:
    # `make test` runs two test processes on two cores: one thread each, for them and the runs
    # they start (OpenMP threads spin while they wait; 2 x 2 of them on 2 cores ran in-process
    # trainings many times slower than alone: FAMT refresh hook test 69 s vs 2 s)
    os.environ['OMP_NUM_THREADS'] = '1'

import torch  # noqa: E402  reads OMP_NUM_THREADS when first imported
from mmengine.config import DictAction
from mmengine.runner import CheckpointLoader
from mmengine.utils import ManagerMixin

import mfm_mm  # noqa: F401  registers the modules (and applies the fixes mfm_mm.compat needs)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


@contextlib.contextmanager
def mmengine_globals_restored():
    """mmengine's process-wide state as it was before the block: its global instances
    (default scope, loggers, message hubs, visualizers) and checkpoint loaders. A Runner
    built in the block leaves its scope current and keeps its visualizer under a fixed name
    (mmseg's ``'visualizer'``), which the next Runner would reuse, writing into the earlier
    run's work_dir; a run that raises never reaches the ``after_run`` that gives the loader
    back (a tool's process ends there)."""
    saved = {cls: cls._instance_dict.copy() for cls in _manager_classes()}
    loaders = CheckpointLoader._schemes.copy()
    try:
        yield
    finally:
        for cls in _manager_classes():  # classes first imported in the block start empty
            cls._instance_dict.clear()
            cls._instance_dict.update(saved.get(cls, {}))
        CheckpointLoader._schemes.clear()
        CheckpointLoader._schemes.update(loaders)


def _manager_classes() -> list:
    """``ManagerMixin`` and every subclass imported so far (each has its own instances)."""
    classes, todo = [], [ManagerMixin]
    while todo:
        classes.append(todo.pop())
        todo.extend(classes[-1].__subclasses__())
    return classes


def pytest_collection_modifyitems(items: list) -> None:
    """Test files with more ``slow`` tests (end-to-end runs) first, in a stable order.

    ``make test`` hands whole files to its two processes in this order
    (``--no-loadscope-reorder``): the long files start first and the short ones fill in
    after them, so neither process ends with a long file while the other waits.
    """
    slow = {}
    for item in items:
        slow[item.path] = slow.get(item.path, 0) + (item.get_closest_marker('slow') is not None)
    items.sort(key=lambda item: -slow[item.path])


@pytest.fixture(autouse=True)
def _mmengine_globals_restored():
    """Each test starts with mmengine's process-wide state of the one before it."""
    with mmengine_globals_restored():
        yield


@pytest.fixture(scope='session')
def tiny_imagenet(tmp_path_factory) -> str:
    """48 crops (4 per photo, 96 px) of the bundled photos in the ImageNet layout."""
    from mfm_mm.demo import write_imagenet_folder
    root = str(tmp_path_factory.mktemp('imagenet'))
    write_imagenet_folder(root, crops_per_photo=4, size=96)
    return root


def cfg_options(options: list) -> dict:
    """``--cfg-options`` items (``'key=value'``) parsed as the tools parse them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def run_tool(args, cwd=REPO, env=None, timeout=600) -> subprocess.CompletedProcess:
    """Runs a command with this interpreter's environment and returns its output.

    Raises ``AssertionError`` with the output tail when the command fails.
    """
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    proc = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f'{args} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}'
    return proc


PYTHON = sys.executable


def run_script(script: str, *args: str) -> subprocess.CompletedProcess:
    """Runs ``script`` (relative to the repository) as ``__main__`` in this process, as the
    command line would, without an interpreter start; its exit code, stdout and stderr (a
    ``SystemExit`` message or an uncaught exception's traceback go to stderr with code 1, as
    the interpreter does)."""
    out, err, code = io.StringIO(), io.StringIO(), 0
    argv = sys.argv
    sys.argv = [script, *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                mmengine_globals_restored():
            runpy.run_path(osp.join(REPO, script), run_name='__main__')
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        if isinstance(stop.code, str):
            err.write(stop.code + '\n')
    except Exception:  # noqa: BLE001  what the interpreter prints for an uncaught exception
        code = 1
        err.write(traceback.format_exc())
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess([script, *args], code, out.getvalue(), err.getvalue())


def _cpu_autocast_supports(dtype: torch.dtype) -> bool:
    """Whether CPU autocast accepts ``dtype`` (float16 only from torch 2.2 on)."""
    try:
        with torch.autocast('cpu', dtype=dtype):
            return True
    except RuntimeError:
        return False


# bf16 and fp16 autocast on CPU, fp16 skipped where this torch has no CPU fp16 autocast
CPU_AUTOCAST_DTYPES = [
    pytest.param(dtype, marks=pytest.mark.skipif(
        not _cpu_autocast_supports(dtype),
        reason=f'CPU autocast has no {dtype} in torch {torch.__version__}'))
    for dtype in (torch.bfloat16, torch.float16)]

# torch 2.1's dynamo cannot trace the models' FFT path (symbolic sizes) nor has the inductor
# C++ builder module the compile hook's error handling names
OLD_TORCH_COMPILE = tuple(int(v) for v in torch.__version__.split('.')[:2]) < (2, 2)


@contextlib.contextmanager
def small_tmpfs(parent, size: str):
    """A real tmpfs of ``size`` (e.g. ``'64k'``) mounted at ``parent/disk``; skips the test
    where mounting is not allowed."""
    folder = osp.join(str(parent), 'disk')
    os.makedirs(folder)
    if subprocess.run(['mount', '-t', 'tmpfs', '-o', f'size={size}', 'tmpfs', folder],
                      capture_output=True).returncode:
        pytest.skip('cannot mount a small tmpfs here')
    try:
        yield folder
    finally:
        subprocess.run(['umount', folder], check=True)
