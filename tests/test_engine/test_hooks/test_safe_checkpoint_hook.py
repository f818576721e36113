"""SafeCheckpointHook: safe loading for its run only, resume from a complete checkpoint."""
import logging
import types

import torch
from mmengine.runner import CheckpointLoader

from mfm_mm.engine.hooks import SafeCheckpointHook
from mfm_mm.engine.runner import load_checkpoint_file


class ListLogger(logging.Logger):
    def __init__(self) -> None:
        super().__init__('test')
        self.lines = []

    def info(self, msg, *args, **kwargs) -> None:
        self.lines.append(msg)


def fake_runner(work_dir, resume: bool, load_from=None):
    return types.SimpleNamespace(_resume=resume, _load_from=load_from, work_dir=str(work_dir),
                                 logger=ListLogger())


def test_safe_loader_only_between_before_and_after_run(tmp_path):
    original = CheckpointLoader._schemes['']
    assert original is not load_checkpoint_file
    hook, runner = SafeCheckpointHook(), fake_runner(tmp_path, resume=False)
    hook.before_run(runner)
    assert CheckpointLoader._schemes[''] is load_checkpoint_file
    assert runner._load_from is None
    hook.after_run(runner)
    assert CheckpointLoader._schemes[''] is original


def test_resume_passes_over_incomplete_checkpoints(tmp_path):
    torch.save({'state_dict': {}}, tmp_path / 'epoch_1.pth')
    (tmp_path / 'epoch_2.pth').write_bytes((tmp_path / 'epoch_1.pth').read_bytes()[:100])
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    hook, runner = SafeCheckpointHook(), fake_runner(tmp_path, resume=True)
    hook.before_run(runner)
    hook.after_run(runner)
    assert runner._load_from == str(tmp_path / 'epoch_1.pth')
    assert runner.logger.lines == [
        f'resume: skipped incomplete checkpoint {tmp_path / "epoch_2.pth"}']


def test_explicit_resume_path_is_kept(tmp_path):
    hook = SafeCheckpointHook()
    runner = fake_runner(tmp_path, resume=True, load_from='given.pth')
    hook.before_run(runner)
    hook.after_run(runner)
    assert runner._load_from == 'given.pth' and runner.logger.lines == []


def test_resume_without_any_complete_checkpoint_starts_over(tmp_path):
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))  # removed since
    hook, runner = SafeCheckpointHook(), fake_runner(tmp_path, resume=True)
    hook.before_run(runner)
    hook.after_run(runner)
    assert runner._resume is False and runner._load_from is None
    assert runner.logger.lines[-1] == (f'resume: no complete checkpoint in {tmp_path}, '
                                       'training from the start')
