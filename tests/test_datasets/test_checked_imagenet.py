"""CheckedImageNet: a bad annotation file is reported at build time with file and line."""
import os

import pytest
from mmengine.registry import DefaultScope
from mmpretrain.registry import DATASETS

import mfm_mm  # noqa: F401  registers CheckedImageNet


def data_root(tmp_path, lines, images=('a/1.JPEG', 'a/2.JPEG', 'b/3.JPEG')):
    for name in images:
        path = tmp_path / 'train' / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'')
    (tmp_path / 'meta').mkdir()
    (tmp_path / 'meta' / 'train.txt').write_text('\n'.join(lines) + '\n')
    return str(tmp_path)


def build(root, **kwargs):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(dict(type='CheckedImageNet', data_root=root, split='train',
                                   **kwargs))


def test_a_good_file_loads_as_imagenet(tmp_path):
    dataset = build(data_root(tmp_path, ['a/1.JPEG 0', 'a/2.JPEG 0', 'b/3.JPEG 1']))
    assert len(dataset) == 3
    assert [dataset.get_data_info(i)['gt_label'] for i in range(3)] == [0, 0, 1]


def test_malformed_lines_are_named_with_their_numbers(tmp_path):
    root = data_root(tmp_path, ['a/1.JPEG 0', 'a/2.JPEG', 'b/3.JPEG one', '', 'a/1.JPEG 0'])
    with pytest.raises(ValueError) as err:
        build(root)
    assert str(err.value) == (
        f'{tmp_path}/meta/train.txt: 3 malformed line(s), expected "<image path> <integer '
        "label>\": line 2: 'a/2.JPEG'; line 3: 'b/3.JPEG one'; line 4: ''")


def test_missing_images_are_named_unless_the_check_is_off(tmp_path):
    lines = ['a/1.JPEG 0', 'a/gone.JPEG 0', 'b/3.JPEG 1', 'c/also_gone.JPEG 2']
    root = data_root(tmp_path, lines)
    with pytest.raises(FileNotFoundError) as err:
        build(root)
    assert str(err.value) == (
        f'{tmp_path}/meta/train.txt: 2 of 4 listed images do not exist under {tmp_path}/train: '
        'line 2: a/gone.JPEG; line 4: c/also_gone.JPEG. Fix the list or data_root '
        '(check_images=False skips this check)')
    assert len(build(root, check_images=False)) == 4
    assert len(build(root, check_images=3)) == 4  # more images listed than the limit
    with pytest.raises(FileNotFoundError):
        build(root, check_images=4)


def test_listed_fifo_and_folder_are_named_as_not_regular_files(tmp_path):
    root = data_root(tmp_path, ['a/1.JPEG 0', 'a/pipe.JPEG 0', 'a/folder.JPEG 1'])
    os.mkfifo(tmp_path / 'train' / 'a' / 'pipe.JPEG')
    (tmp_path / 'train' / 'a' / 'folder.JPEG').mkdir()
    with pytest.raises(ValueError, match=r'2 of 3 listed images .* not regular files .*'
                                         r'line 2: a/pipe.JPEG \(a FIFO \(named pipe\), not a '
                                         r'regular file\); line 3: a/folder.JPEG \(a directory'):
        build(root)
    assert len(build(root, check_images=False)) == 3  # the loader refuses them instead
