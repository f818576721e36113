"""The FAMT weight map follows the image's RandomResizedCrop and flip (real photo, known crop)."""
import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmcv.transforms import Compose, RandomFlip
from mmpretrain.datasets.transforms import RandomResizedCrop

from mfm_mm.datasets.transforms import FAMTWeightMap, RandomResizedCropWithBox, crop_weight_map
from mfm_mm.demo import bundled_photos


def brightness_map(img: np.ndarray, grid: int = 14, size: int = 224) -> torch.Tensor:
    """Per-patch mean brightness of ``img`` resized whole to ``size`` (a map with structure)."""
    resized = mmcv.imresize(img, (size, size), interpolation='bicubic', backend='pillow')
    gray = torch.from_numpy(resized).float().mean(-1)[None, None]
    return F.avg_pool2d(gray, size // grid)[0, 0] / 255.  # (grid, grid) in [0, 1]


def test_crop_with_box_is_mmpretrains_crop_plus_its_box():
    photo = bundled_photos()['rocket']  # 427 x 640
    ours = RandomResizedCropWithBox(scale=64, crop_ratio_range=(0.2, 1.0))
    theirs = RandomResizedCrop(scale=64, crop_ratio_range=(0.2, 1.0))
    for seed in range(5):
        np.random.seed(seed)
        result = ours(dict(img=photo))
        np.random.seed(seed)
        assert np.array_equal(result['img'], theirs(dict(img=photo))['img'])
        x1, y1, x2, y2 = result['crop_bbox'].astype(int)
        manual = mmcv.imresize(photo[y1:y2, x1:x2], (64, 64), interpolation='bilinear')
        assert np.array_equal(result['img'], manual)
        assert result['crop_input_shape'] == (427, 640)


def test_resampling_by_hand():
    ramp = torch.arange(4.)[None, :] + 10 * torch.arange(4.)[:, None]  # value x + 10 y
    centre = crop_weight_map(ramp, (0.25, 0.25, 0.75, 0.75), (2, 2))
    assert torch.allclose(centre, torch.tensor([[11., 12.], [21., 22.]]))
    flipped = crop_weight_map(ramp, (0.25, 0.25, 0.75, 0.75), (2, 2), 'horizontal')
    assert torch.allclose(flipped, torch.tensor([[12., 11.], [22., 21.]]))
    both = crop_weight_map(ramp, (0.25, 0.25, 0.75, 0.75), (2, 2), 'diagonal')
    assert torch.allclose(both, torch.tensor([[22., 21.], [12., 11.]]))
    whole = crop_weight_map(ramp, (0., 0., 1., 1.), (4, 4), samples=1)
    assert torch.allclose(whole, ramp)


@pytest.mark.parametrize('flip', [0., 1.])
def test_map_follows_a_known_crop_and_flip_of_a_real_photo(flip):
    photo = bundled_photos()['rocket']
    whole = brightness_map(photo)  # the stored map, computed on the un-cropped image
    famt = FAMTWeightMap(grid_size=14)
    famt.attach((whole * 255).round().to(torch.uint8)[None])
    pipeline = Compose([
        RandomResizedCropWithBox(scale=224, crop_ratio_range=(0.2, 0.3), backend='pillow',
                                 interpolation='bicubic'),
        RandomFlip(prob=flip), famt])
    np.random.seed(3)
    result = pipeline(dict(img=photo, sample_idx=0))
    assert result['crop_bbox'].tolist() == [277, 0, 557, 249]  # 280 x 249 of 640 x 427, top
    assert result['flip'] == bool(flip)
    weight = result['famt_weight']
    assert weight.shape == (14, 14) and 0 <= weight.min() and weight.max() <= 1
    truth = brightness_map(result['img'])  # what the model sees in each patch of the crop
    error = (weight - truth).abs().mean()
    assert error < 0.03
    # The public AMT code ignores the crop; an un-flipped map is just as wrong.
    assert (crop_weight_map(whole, (0, 0, 1, 1), (14, 14)) - truth).abs().mean() > 3 * error
    if flip:
        assert (weight.flip(-1) - truth).abs().mean() > 3 * error


def test_without_a_store_maps_are_uniform_and_without_a_box_it_says_what_to_use():
    famt = FAMTWeightMap(grid_size=(2, 3))
    assert torch.equal(famt(dict(sample_idx=0))['famt_weight'], torch.ones(2, 3))
    famt.attach(torch.zeros(1, 2, 3, dtype=torch.uint8))
    with pytest.raises(ValueError, match='RandomResizedCropWithBox'):
        famt(dict(sample_idx=0, img=np.zeros((8, 8, 3), np.uint8)))
    with pytest.raises(ValueError, match='grid_size'):
        FAMTWeightMap(grid_size=0)
