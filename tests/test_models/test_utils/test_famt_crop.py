"""FAMT's weight map follows the image's RandomResizedCrop and flip (real photo, known crop)."""
import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmcv.transforms import Compose, RandomFlip
from mmpretrain.datasets.transforms import PackInputs, RandomResizedCrop

from mfm_mm.datasets.transforms import RandomResizedCropWithBox
from mfm_mm.demo import bundled_photos
from mfm_mm.models.utils.famt_weights import crop_weight_map
from test_models.test_algorithms.test_famt_mae import build


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
        x1, y1, x2, y2 = (result['crop_box'] * [640, 427, 640, 427]).round().astype(int)
        manual = mmcv.imresize(photo[y1:y2, x1:x2], (64, 64), interpolation='bilinear')
        assert np.array_equal(result['img'], manual)
        assert result['crop_box'].dtype == np.float32 and 0 <= result['crop_box'].min()


def test_resampling_by_hand():
    ramp = torch.arange(4.)[None, :] + 10 * torch.arange(4.)[:, None]  # value x + 10 y
    centre = torch.tensor([[0.25, 0.25, 0.75, 0.75]])
    assert torch.allclose(crop_weight_map(ramp[None], centre, (2, 2))[0],
                          torch.tensor([[11., 12.], [21., 22.]]))
    flipped = crop_weight_map(ramp[None], centre, (2, 2), ['horizontal'])[0]
    assert torch.allclose(flipped, torch.tensor([[12., 11.], [22., 21.]]))
    both = crop_weight_map(ramp[None], centre, (2, 2), ['diagonal'])[0]
    assert torch.allclose(both, torch.tensor([[22., 21.], [12., 11.]]))
    whole = crop_weight_map(ramp[None], torch.tensor([[0., 0., 1., 1.]]), (4, 4), samples=1)
    assert torch.allclose(whole[0], ramp)


def test_a_batch_is_resampled_as_its_maps_one_by_one():
    torch.manual_seed(0)
    maps, flips = torch.rand(4, 5, 7), [None, 'horizontal', 'vertical', 'diagonal']
    boxes = torch.tensor([[0., 0., 1., 1.], [0.1, 0.2, 0.6, 0.9], [0.5, 0., 1., 0.4],
                          [0.3, 0.3, 0.4, 0.8]])
    batch = crop_weight_map(maps, boxes, (3, 3), flips)
    for i in range(4):
        assert torch.equal(batch[i], crop_weight_map(maps[i:i + 1], boxes[i:i + 1], (3, 3),
                                                     flips[i:i + 1])[0])


@pytest.mark.parametrize('flip', [0., 1.])
def test_the_models_map_follows_a_known_crop_and_flip_of_a_real_photo(flip):
    photo = bundled_photos()['rocket']
    whole = brightness_map(photo, grid=4, size=64)  # the stored map, of the un-cropped image
    pipeline = Compose([
        RandomResizedCropWithBox(scale=64, crop_ratio_range=(0.2, 0.3), backend='pillow',
                                 interpolation='bicubic'),
        RandomFlip(prob=flip), PackInputs(algorithm_keys=['crop_box'])])
    np.random.seed(3)
    packed = pipeline(dict(img=photo, sample_idx=0))
    sample = packed['data_samples']
    box = sample.crop_box * [640, 427, 640, 427]
    assert np.allclose(box, [277, 0, 557, 249], atol=1e-3)  # 280 x 249 of 640 x 427, top
    assert sample.flip == bool(flip)
    model = build()
    model.reset_weights(1)
    model.famt_weights.copy_((whole * 255).round().to(torch.uint8)[None])
    model.refreshed_epoch.fill_(0)
    weight = model.crop_weights([sample])[0]
    assert weight.shape == (4, 4) and 0 <= weight.min() and weight.max() <= 1
    image = packed['inputs'].permute(1, 2, 0).numpy()  # what the model sees, per patch
    truth = brightness_map(image, grid=4, size=64)
    error = (weight - truth).abs().mean()
    assert error < 0.03
    # The public AMT code ignores the crop; an un-flipped map is just as wrong.
    uncropped = crop_weight_map(whole[None], torch.tensor([[0., 0., 1., 1.]]), (4, 4))[0]
    assert (uncropped - truth).abs().mean() > 3 * error
    if flip:
        assert (weight.flip(-1) - truth).abs().mean() > 3 * error


def test_before_the_first_refresh_every_map_is_uniform():
    model = build()
    model.reset_weights(1)
    sample = PackInputs(algorithm_keys=['crop_box'])(
        dict(img=np.zeros((8, 8, 3), np.uint8), sample_idx=0,
             crop_box=np.array([0.1, 0.2, 0.5, 0.9], np.float32)))['data_samples']
    assert torch.equal(model.crop_weights([sample]), torch.ones(1, 4, 4))
