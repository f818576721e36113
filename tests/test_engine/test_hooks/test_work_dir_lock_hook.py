"""WorkDirLockHook: one live holder per work_dir; a dead holder's lock is taken over."""
import os
import socket
import subprocess
import sys
import types

import pytest

from mfm_mm.engine.hooks import WorkDirLockHook
from mfm_mm.engine.hooks.work_dir_lock_hook import LOCK_NAME, acquire_work_dir_lock


class Lines:
    def __init__(self):
        self.lines = []

    def info(self, msg):
        self.lines.append(msg)


def test_a_held_lock_names_its_holder_and_is_free_after_the_run(tmp_path):
    me = f'PID {os.getpid()} on {socket.gethostname()}'
    hook, runner = WorkDirLockHook(), types.SimpleNamespace(work_dir=str(tmp_path),
                                                            logger=Lines())
    hook.before_run(runner)
    assert (tmp_path / LOCK_NAME).read_text() == me + '\n'
    with pytest.raises(RuntimeError) as err:  # a second open file: as another process sees it
        acquire_work_dir_lock(str(tmp_path))
    assert str(err.value) == (f'{tmp_path} is in use by another run ({me}); wait for it to '
                              'end, stop it, or pass another --work-dir')
    hook.after_run(runner)
    lock, before = acquire_work_dir_lock(str(tmp_path))
    assert before == '' and runner.logger.lines == []
    lock.close()


def test_a_stale_lock_file_is_taken_over_with_a_log_line(tmp_path):
    (tmp_path / LOCK_NAME).write_text('PID 999999 on elsewhere\n')  # its holder died
    hook, runner = WorkDirLockHook(), types.SimpleNamespace(work_dir=str(tmp_path),
                                                            logger=Lines())
    hook.before_run(runner)
    assert runner.logger.lines == ['work_dir lock: took over the stale lock of PID 999999 on '
                                   'elsewhere (that process is gone)']
    hook.after_run(runner)


def test_partial_writes_of_killed_processes_are_removed_at_the_next_start(tmp_path):
    """A process SIGKILLed while it writes ``latest.pth.<pid>.partial`` leaves it behind."""
    writer = subprocess.Popen([sys.executable, '-c', (
        'import os, sys, time\n'
        f'f = open(os.path.join({str(tmp_path)!r}, f"latest.pth.{{os.getpid()}}.partial"), "wb")\n'
        'f.write(b"x" * 4096); f.flush(); print("writing", flush=True); time.sleep(60)')],
        stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == 'writing\n'
    writer.kill()
    writer.wait()
    dead = tmp_path / f'latest.pth.{writer.pid}.partial'
    assert dead.exists()
    live = tmp_path / f'epoch_2.pth.{os.getpid()}.partial'  # a live writer's file stays
    live.write_bytes(b'x')
    hook, runner = WorkDirLockHook(), types.SimpleNamespace(work_dir=str(tmp_path),
                                                            logger=Lines())
    hook.before_run(runner)
    hook.after_run(runner)
    assert runner.logger.lines == [f'removed {dead}, the partial write of a process that is '
                                   'gone']
    assert not dead.exists() and live.exists()
