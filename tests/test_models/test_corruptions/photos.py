"""Real bundled photos as a float batch in [0, 1], and spectral measurements on it."""
import numpy as np
import torch
from PIL import Image

from mfm_mm.demo import bundled_photos

NAMES = ('astronaut', 'chelsea', 'coffee', 'rocket', 'china', 'grace_hopper')


def unit_photos(size: int = 224) -> torch.Tensor:
    """Square crops of six bundled photos, resized to ``size``, ``(6, 3, size, size)`` in [0, 1]."""
    photos = bundled_photos()
    batch = []
    for name in NAMES:
        photo = photos[name]
        side = min(photo.shape[:2])
        crop = Image.fromarray(photo[:side, :side]).resize((size, size), Image.BICUBIC)
        batch.append(torch.from_numpy(np.array(crop)).permute(2, 0, 1).float() / 255.)
    return torch.stack(batch)


def windowed_power(images: torch.Tensor) -> torch.Tensor:
    """fftshift-ed power spectrum of the mean-free, Hann-windowed images, ``(N, C, H, W)``.

    The window removes the periodic-boundary edge that would put energy at every frequency.
    """
    h, w = images.shape[-2:]
    window = torch.hann_window(h, periodic=False)[:, None] * torch.hann_window(
        w, periodic=False)[None]
    centred = (images - images.mean((-2, -1), keepdim=True)) * window
    return torch.fft.fftshift(torch.fft.fft2(centred), dim=(-2, -1)).abs()**2


def centred_coords(size: int):
    """Integer frequency coordinates ``(y, x)`` of an fftshift-ed ``size x size`` spectrum."""
    axis = torch.arange(size) - size // 2
    return torch.meshgrid(axis, axis, indexing='ij')
