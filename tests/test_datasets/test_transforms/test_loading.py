"""Every kind of bad or unusual image file, through the real ImageNet dataset and MFM pipeline."""
import io
import os
import os.path as osp
import threading

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS
from PIL import Image

from conftest import REPO
from mfm_mm.datasets.transforms import SafeLoadImageFromFile, decode_rgb, open_image
from mfm_mm.datasets.transforms.loading import (DECODE_ERRORS, cv2_matches_pil,
                                                decode_plain_jpeg)
from mfm_mm.utils import find_transform


def jpeg_bytes(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kwargs.pop('format', 'JPEG'), **kwargs)
    return buffer.getvalue()


def photo(size=(64, 48)) -> Image.Image:
    from skimage import data
    return Image.fromarray(data.astronaut()).resize(size)


def exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    return jpeg_bytes(photo((40, 20)), exif=exif)


GOOD = {
    'grayscale.JPEG': lambda: jpeg_bytes(photo().convert('L')),
    'rgba.png': lambda: jpeg_bytes(photo().convert('RGBA'), format='PNG'),
    'cmyk.JPEG': lambda: jpeg_bytes(photo().convert('CMYK')),
    'sixteen_bit.png': lambda: jpeg_bytes(
        Image.fromarray((np.asarray(photo().convert('L'), np.uint16) * 257)), format='PNG'),
    'palette.png': lambda: jpeg_bytes(photo().convert('P'), format='PNG'),
    'exif_rotated.JPEG': exif_rotated,
    'one_pixel.JPEG': lambda: jpeg_bytes(Image.new('RGB', (1, 1), (200, 10, 10))),
    'wide_10000x10.JPEG': lambda: jpeg_bytes(photo((10000, 10))),
    'name with spaces ünïcödé 写真.JPEG': lambda: jpeg_bytes(photo()),
}
BAD = {
    'zero_bytes.JPEG': lambda: b'',
    'truncated.JPEG': lambda: jpeg_bytes(photo())[:600],
    'not_an_image.JPEG': lambda: b'this is a text file, not a JPEG\n' * 20,
}


@pytest.fixture(scope='module')
def messy_imagenet(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('messy')
    os.makedirs(root / 'train' / 'n000', exist_ok=True)
    lines = []
    for name, make in {**GOOD, **BAD}.items():
        (root / 'train' / 'n000' / name).write_bytes(make())
        lines.append(f'n000/{name} 0')
    os.makedirs(root / 'meta')
    (root / 'meta' / 'train.txt').write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return str(root)


def mfm_dataset(root: str, **loader_options):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'mfm_vit-b_300e.py'))
    init_default_scope('mmpretrain')
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.data_root = root
    find_transform(dataset_cfg.pipeline, 'LoadRandomResizedCrop').update(loader_options)
    return DATASETS.build(dataset_cfg)


def index_of(dataset, name: str) -> int:
    names = [osp.basename(dataset.get_data_info(i)['img_path']) for i in range(len(dataset))]
    return names.index(name)


def test_unusual_images_decode_to_upright_rgb():
    gray = decode_rgb(GOOD['grayscale.JPEG']())
    assert gray.shape == (48, 64, 3) and (gray[..., 0] == gray[..., 1]).all()
    sixteen = decode_rgb(GOOD['sixteen_bit.png']())
    reference = np.asarray(photo().convert('L'))
    assert np.abs(sixteen[..., 0].astype(int) - reference).max() <= 1  # scaled, not clipped
    assert decode_rgb(exif_rotated()).shape == (40, 20, 3)  # stored 40 x 20, shown 20 x 40
    assert decode_rgb(GOOD['one_pixel.JPEG']()).shape == (1, 1, 3)
    transparent = Image.new('RGBA', (4, 4), (0, 0, 0, 0))
    assert (decode_rgb(jpeg_bytes(transparent, format='PNG')) == 255).all()  # over white
    cmyk = decode_rgb(GOOD['cmyk.JPEG']()).astype(int)
    assert np.abs(cmyk.mean((0, 1)) - np.asarray(photo()).mean((0, 1))).max() < 20


def test_every_good_file_goes_through_the_mfm_pipeline(messy_imagenet):
    dataset = mfm_dataset(messy_imagenet)
    for name in GOOD:
        item = dataset[index_of(dataset, name)]
        assert item['inputs'].shape == (3, 224, 224), name
        assert item['inputs'].dtype == torch.uint8
        assert item['data_samples'].freq_mask.shape == (224, 224)


@pytest.mark.parametrize('name', sorted(BAD))
def test_bad_files_fail_naming_the_file(messy_imagenet, name):
    dataset = mfm_dataset(messy_imagenet)
    index = index_of(dataset, name)
    with pytest.raises(ValueError, match=f'cannot read image .*{name}'):
        dataset[index]


def test_skip_option_counts_and_replaces_bad_files(messy_imagenet):
    dataset = mfm_dataset(messy_imagenet, skip_unreadable=True)
    for name in BAD:
        assert dataset[index_of(dataset, name)]['inputs'].shape == (3, 224, 224)
    loader = find_transform(dataset.pipeline.transforms, 'LoadRandomResizedCrop')
    assert isinstance(loader, SafeLoadImageFromFile)
    assert loader.skipped >= len(BAD)


def test_dataloader_worker_error_names_the_file(messy_imagenet):
    from torch.utils.data import DataLoader
    dataset = mfm_dataset(messy_imagenet)
    index = index_of(dataset, 'truncated.JPEG')
    loader = DataLoader(torch.utils.data.Subset(dataset, [index]), num_workers=1,
                        collate_fn=lambda batch: batch)
    batches = iter(loader)
    try:
        with pytest.raises(ValueError, match='cannot read image .*truncated.JPEG'):
            next(batches)
    finally:  # now: the traceback keeps the iterator for a late collection, 5 s of join timeout
        batches._shutdown_workers()


@pytest.mark.parametrize('skip', [False, True])
def test_a_listed_fifo_is_refused_at_once_not_opened(tmp_path, skip):
    """A FIFO opened for reading blocks until a writer comes: the loader must not open it."""
    fifo = str(tmp_path / 'pipe.JPEG')
    os.mkfifo(fifo)
    loader = SafeLoadImageFromFile(skip_unreadable=skip)
    outcome = {}

    def load():
        try:
            outcome['result'] = loader(dict(img_path=fifo))
        except ValueError as err:
            outcome['error'] = str(err)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=60)  # an opened FIFO without a writer would block for ever
    assert not worker.is_alive()
    if skip:
        assert outcome == {'result': None} and loader.skipped == 1
    else:
        assert outcome['error'].startswith(
            f'cannot read image {fifo} (ValueError: a FIFO (named pipe), not a regular file)')


def test_a_folder_and_a_missing_file_are_named(tmp_path):
    loader = SafeLoadImageFromFile()
    (tmp_path / 'folder').mkdir()
    with pytest.raises(ValueError, match=r'cannot read image .*folder \(ValueError: a directory'):
        loader(dict(img_path=str(tmp_path / 'folder')))
    with pytest.raises(ValueError, match=r'cannot read image .*gone.JPEG \(ValueError: no such '):
        loader(dict(img_path=str(tmp_path / 'gone.JPEG')))


PLAIN_JPEGS = {  # what OpenCV decodes for the loaders: same pixels as PIL
    '4:2:0': lambda: jpeg_bytes(photo((333, 250)), quality=90),
    '4:4:4': lambda: jpeg_bytes(photo((251, 333)), quality=95, subsampling=0),
    '4:2:2': lambda: jpeg_bytes(photo((301, 203)), quality=75, subsampling=1),
    'progressive': lambda: jpeg_bytes(photo((333, 400)), quality=90, progressive=True),
    'optimized q100': lambda: jpeg_bytes(photo((37, 333)), quality=100, optimize=True),
    'restart markers': lambda: jpeg_bytes(photo((120, 90)), restart_marker_blocks=2),
    'one pixel': GOOD['one_pixel.JPEG'],
    '10000 x 10': GOOD['wide_10000x10.JPEG'],
}
LEFT_TO_PIL = {  # decode_plain_jpeg says None: PIL decodes them (or names the fault)
    'grey': GOOD['grayscale.JPEG'], 'cmyk': GOOD['cmyk.JPEG'], 'exif rotated': exif_rotated,
    'png': GOOD['rgba.png'], 'truncated': BAD['truncated.JPEG'],
    'cut after the scan': lambda: jpeg_bytes(photo())[:-2],
    'trailing bytes': lambda: jpeg_bytes(photo()) + b'\0\0',
}


@pytest.mark.parametrize('name', sorted(PLAIN_JPEGS))
def test_plain_jpegs_decode_to_pils_pixels_with_opencv(name):
    data = PLAIN_JPEGS[name]()
    assert cv2_matches_pil()
    expected = decode_rgb(data)
    rgb = decode_plain_jpeg(data, open_image(data), 'rgb')
    assert rgb is not None and np.array_equal(rgb, expected), name
    assert np.array_equal(decode_plain_jpeg(data, open_image(data), 'bgr'), expected[..., ::-1])
    loaded = SafeLoadImageFromFile().decode(data, {})
    assert np.array_equal(loaded['img'], expected[..., ::-1])
    assert loaded['img'].flags.c_contiguous and loaded['ori_shape'] == expected.shape[:2]


@pytest.mark.parametrize('name', sorted(LEFT_TO_PIL))
def test_other_files_are_left_to_pil(name):
    data = LEFT_TO_PIL[name]()
    try:
        image = open_image(data)
    except DECODE_ERRORS:
        return  # PIL refuses it at open: named by the loaders
    assert decode_plain_jpeg(data, image) is None
    if name in ('truncated', 'cut after the scan'):  # OpenCV would pad with grey, PIL names it
        with pytest.raises(OSError, match='truncated|broken'):
            SafeLoadImageFromFile().decode(data, {})
    else:
        loaded = SafeLoadImageFromFile().decode(data, {})
        assert np.array_equal(loaded['img'], decode_rgb(data)[..., ::-1])


def test_opencv_without_imread_color_rgb_swaps_to_the_same_pixels(monkeypatch):
    from mfm_mm.datasets.transforms import loading
    data = PLAIN_JPEGS['4:2:0']()
    monkeypatch.setattr(loading, 'CV2_RGB', None)  # OpenCV < 4.10
    assert np.array_equal(loading.cv2_decode(data, 'rgb'), decode_rgb(data))
    assert np.array_equal(loading.cv2_decode(data, 'bgr'), decode_rgb(data)[..., ::-1])
    assert loading.cv2_decode(b'not a JPEG', 'rgb') is None
