"""One live run per work_dir."""
import fcntl
import os
import os.path as osp
import socket
from typing import IO, Optional

from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.utils import mkdir_or_exist

from ..runner.safe_write import remove_stale_partials

LOCK_NAME = '.work_dir.lock'


def acquire_work_dir_lock(work_dir: str) -> tuple:
    """Locks ``work_dir`` for this process (``flock`` on ``work_dir/.work_dir.lock``, which the
    kernel drops however its holder exits, so a dead run's lock file is taken over).

    Returns:
        ``(open lock file, the dead holder whose lock was taken over or '')``; keep the file open
        for the lock to hold.

    Raises:
        RuntimeError: A live process holds the lock (named by its PID and host).
    """
    mkdir_or_exist(work_dir)
    lock = open(osp.join(work_dir, LOCK_NAME), 'a+')
    lock.seek(0)
    before = lock.read().strip()
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise RuntimeError(f'{work_dir} is in use by another run ({before or "unknown"}); wait '
                           'for it to end, stop it, or pass another --work-dir') from None
    lock.truncate(0)
    lock.write(f'PID {os.getpid()} on {socket.gethostname()}\n')
    lock.flush()
    return lock, before


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """Stops a run at its start when another live run uses the same ``work_dir``.

    Two runs in one work_dir interleave their logs, overwrite each other's checkpoints and make
    ``--resume`` load the other run's weights. Rank 0 locks the folder before anything is loaded
    or written (:func:`acquire_work_dir_lock`; a dead run's lock is taken over with a log line),
    the other ranks stop with it, and dead processes' partial writes (``*.<pid>.partial``) go.
    """

    priority = 'HIGHEST'  # before SafeCheckpointHook picks a checkpoint to resume

    def __init__(self) -> None:
        self._lock: Optional[IO] = None

    def before_run(self, runner) -> None:
        """Takes the lock, or raises naming the run that holds it."""
        outcome = [None]
        if is_main_process():
            try:
                self._lock, before = acquire_work_dir_lock(runner.work_dir)
            except RuntimeError as err:
                outcome[0] = str(err)
            else:
                if before:
                    runner.logger.info(f'work_dir lock: took over the stale lock of {before} '
                                       '(that process is gone)')
                for path in remove_stale_partials(runner.work_dir):
                    runner.logger.info(f'removed {path}, the partial write of a process that '
                                       'is gone')
        broadcast_object_list(outcome)  # the other ranks stop with rank 0
        if outcome[0] is not None:
            raise RuntimeError(outcome[0])

    def after_run(self, runner) -> None:
        """Releases the lock."""
        if self._lock is not None:
            self._lock.truncate(0)
            self._lock.close()
            self._lock = None
