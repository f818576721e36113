"""Pictures of what a frequency pretext does: image, spectrum, mask, corrupted input and
reconstruction per image, and the radially averaged power spectra."""
from typing import Dict, Sequence

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..models.utils import frequency_filter
from ..utils.model import to_unit, unwrap_model

COLUMNS = ('image', 'log-magnitude spectrum', 'kept frequencies', 'corrupted input',
           'reconstruction')
# With a frequency mask the loss only scores the removed frequencies, so the reconstruction
# panel shows the input's kept frequencies plus the predicted removed ones (the raw decoder
# output is unconstrained on the kept frequencies). Corruptions without a mask (resampling,
# blur, noise) are scored on all frequencies: the panel is the raw decoder output, and the
# mask panel shows the corruption's transfer |F(corrupted)| / |F(image)|, clipped to [0, 1],
# titled as such, and each row's caption says what the corruption did.
# the mask panel's column title when the corruption has no mask
TRANSFER_TITLE = 'transfer |F(corrupted)| / |F(image)|'
CAPTION = 'pretext'  # the panels' per-image caption key: what the corruption did
MASK_KINDS = {(True, False): 'low-pass', (False, True): 'high-pass', (True, True): 'band-stop',
              (False, False): 'band-pass'}


def _to_unit(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> np.ndarray:
    """Normalised ``(N, C, H, W)`` -> ``(N, H, W, C)`` floats in ``[0, 1]``."""
    unit = to_unit(images, mean, std).clamp(0., 1.)
    return unit.permute(0, 2, 3, 1).cpu().numpy()


@torch.no_grad()
def mfm_panels(model: torch.nn.Module, data_batch: dict) -> Dict[str, np.ndarray]:
    """Runs an MFM model (any corruption) on a batch in eval mode; returns the pictures.

    Args:
        model: An ``MFM`` model, possibly wrapped (DDP).
        data_batch: A collated batch as produced by the train dataloader.

    Returns:
        Arrays keyed by :data:`COLUMNS`: RGB images ``(N, H, W, 3)`` in ``[0, 1]``, the log
        spectrum ``(N, H, W)`` and the fftshift-ed masks (or transfers) ``(N, H, W)``; and
        under :data:`CAPTION` what the corruption did to each image (``'low-pass mask'``, or
        the corruption's ``describe()``, e.g. ``'bicubic down x8, up x8'``).
    """
    model = unwrap_model(model)
    was_training = model.training
    model.eval()
    try:
        data = model.data_preprocessor(data_batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        corrupted, reconstruction, keep = model.reconstruct(inputs, samples)
        if keep is not None:
            reconstruction = (frequency_filter(inputs, keep) +
                              frequency_filter(reconstruction, ~keep))
    finally:
        model.train(was_training)
    mean, std = model.data_preprocessor.mean, model.data_preprocessor.std
    clean, degraded = _to_unit(inputs, mean, std), _to_unit(corrupted, mean, std)
    if keep is not None:
        mask = torch.fft.fftshift(keep, dim=(-2, -1)).float().cpu().numpy()
        captions = [f'{mask_kind(row)} mask' for row in mask]
    else:
        mask = (_centred_spectrum(degraded) / _centred_spectrum(clean).clamp_min(1e-8)).clamp(
            0., 1.).numpy()
        captions = [model.corruption.describe()] * len(mask)
    return {
        COLUMNS[0]: clean,
        COLUMNS[1]: _centred_spectrum(clean).log1p().numpy(),
        COLUMNS[2]: mask,
        COLUMNS[3]: degraded,
        COLUMNS[4]: _to_unit(reconstruction, mean, std),
        CAPTION: np.array(captions),
    }


def _centred_spectrum(images: np.ndarray) -> torch.Tensor:
    """``|fftshift(fft2(gray * hann))|`` of ``(N, H, W, 3)`` images, shape ``(N, H, W)``.

    The Hann window keeps the border's jump (the FFT is periodic) out of the picture.
    """
    h, w = images.shape[1:3]
    gray = torch.from_numpy(images.mean(axis=-1) * np.outer(np.hanning(h), np.hanning(w)))
    return torch.fft.fftshift(torch.fft.fft2(gray), dim=(-2, -1)).abs()


def mask_kind(mask: np.ndarray) -> str:
    """Names a mask panel: the filter kind of a binary mask, else the transfer ratio.

    Args:
        mask: fftshift-ed mask ``(H, W)`` in ``[0, 1]`` (DC at ``(H // 2, W // 2)``).

    Returns:
        ``'low-pass'``, ``'high-pass'``, ``'band-pass'``, ``'band-stop'`` or ``'transfer'``.
    """
    if not np.isin(mask, (0., 1.)).all():
        return 'transfer'
    h, w = mask.shape
    return MASK_KINDS[bool(mask[h // 2, w // 2]), bool(mask[0, 0])]


def radial_power(images: np.ndarray) -> np.ndarray:
    """Radially averaged power spectrum of a batch, averaged over images and channels.

    Each image is made mean-free and multiplied by a 2-D Hann window first, so the jump at the
    image border (the FFT is periodic) does not spread power over all frequencies.

    Args:
        images: ``(N, H, W, C)`` images.

    Returns:
        Mean ``|fft2|^2`` per integer radius ``0 .. min(H, W) // 2``, shape ``(R,)``.
    """
    h, w = images.shape[1:3]
    window = np.outer(np.hanning(h), np.hanning(w))[None, :, :, None]
    centred = (images - images.mean(axis=(1, 2), keepdims=True)) * window
    power = np.abs(np.fft.fftshift(np.fft.fft2(centred, axes=(1, 2)), axes=(1, 2)))**2
    y, x = np.ogrid[:h, :w]
    radius = np.rint(np.hypot(y - h // 2, x - w // 2)).astype(int).ravel()
    per_bin = power.mean(axis=(0, 3)).ravel()  # (H * W, )
    inside = radius <= min(h, w) // 2
    return (np.bincount(radius[inside], weights=per_bin[inside]) /
            np.bincount(radius[inside]))


def save_radial_power_plot(panels: Dict[str, np.ndarray], out_file: str,
                           title: str = '') -> str:
    """Plots the radially averaged power of image, corrupted input and reconstruction.

    Args:
        panels: Output of :func:`mfm_panels`.
        out_file: Path of the PNG.
        title: Title of the plot.

    Returns:
        ``out_file``.
    """
    # a bare Figure renders with Agg itself: no pyplot, no process-wide backend
    fig = Figure(figsize=(5, 3.6))
    ax = fig.subplots()
    for key in (COLUMNS[0], COLUMNS[3], COLUMNS[4]):
        ax.semilogy(radial_power(panels[key]), label=key)
    ax.set_xlabel('radius (frequency bins from DC)')
    ax.set_ylabel('mean power |F|^2')
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    return out_file


def _mfm_figure(panels: Dict[str, np.ndarray], titles: Sequence[str]) -> Figure:
    """One row per image, one column per panel (a bare ``Figure``: no pyplot backend)."""
    rows = len(panels[titles[0]])
    fig = Figure(figsize=(2.4 * len(titles), 2.4 * rows), dpi=100)
    axes = fig.subplots(rows, len(titles), squeeze=False)
    masked = all(mask_kind(mask) != 'transfer' for mask in panels[COLUMNS[2]])
    for row in range(rows):
        for col, title in enumerate(titles):
            ax = axes[row, col]
            image = panels[title][row]
            ax.imshow(image, cmap='gray' if image.ndim == 2 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title if masked or title != COLUMNS[2] else TRANSFER_TITLE,
                             fontsize=9)
            if title == COLUMNS[2]:
                ax.set_xlabel(panels[CAPTION][row], fontsize=8)
    fig.tight_layout()
    return fig


def save_mfm_figure(panels: Dict[str, np.ndarray], out_file: str,
                    titles: Sequence[str] = COLUMNS) -> str:
    """Draws one row per image and one column per panel and saves a PNG.

    Args:
        panels: Output of :func:`mfm_panels`.
        out_file: Path of the PNG.
        titles: Column order.

    Returns:
        ``out_file``.
    """
    _mfm_figure(panels, titles).savefig(out_file)
    return out_file


def mfm_figure_rgb(panels: Dict[str, np.ndarray], titles: Sequence[str] = COLUMNS) -> np.ndarray:
    """Renders the figure of :func:`save_mfm_figure` to pixels, for a visualizer backend.

    Args:
        panels: Output of :func:`mfm_panels`.
        titles: Column order.

    Returns:
        The picture, ``uint8`` RGB of shape ``(H, W, 3)`` (the PNG's pixels).
    """
    canvas = FigureCanvasAgg(_mfm_figure(panels, titles))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
