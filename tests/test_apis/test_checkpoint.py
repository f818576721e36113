"""mfm_mm.apis.checkpoint: output paths checked before any work, no partial file left."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from conftest import small_tmpfs
from mfm_mm.apis.checkpoint import check_output_path, save_weights


def test_output_paths_that_cannot_be_written_are_refused(tmp_path):
    with pytest.raises(ValueError, match=f'output {tmp_path} is a directory'):
        check_output_path(str(tmp_path))
    (tmp_path / 'file').write_text('x')
    with pytest.raises(ValueError, match=f'{tmp_path / "file"} is a file, not a folder'):
        check_output_path(str(tmp_path / 'file' / 'out.pth'))
    check_output_path(str(tmp_path / 'new' / 'folder' / 'out.pth'))  # created on save


@pytest.mark.skipif(os.geteuid() == 0, reason='root writes anywhere')
def test_read_only_folder_is_refused(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ValueError, match='is not writable'):
            check_output_path(str(tmp_path / 'out.pth'))
    finally:
        tmp_path.chmod(0o700)


def test_a_failed_write_names_the_file_and_leaves_no_partial_file(tmp_path):
    with small_tmpfs(tmp_path, '64k') as disk:
        target = osp.join(disk, 'out.pth')
        with pytest.raises(ValueError, match=rf'could not write {target} \(No space left on '
                           r'device\); 0 MiB free in '):
            save_weights({'w': torch.zeros(2**16)}, target)
        assert os.listdir(disk) == []


def test_the_temp_file_of_a_killed_converter_is_removed_by_the_next(tmp_path, capsys):
    gone = subprocess.Popen([sys.executable, '-c', 'pass'])
    gone.wait()  # a pid no process has any more
    stale = tmp_path / f'dst.pth.{gone.pid}.tmp'
    stale.write_bytes(b'half a checkpoint')
    save_weights({'w': torch.zeros(1)}, str(tmp_path / 'dst.pth'))
    assert not stale.exists()
    assert capsys.readouterr().out == f'removed {stale}, the partial write of a process that ' \
                                      'is gone\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['dst.pth']
