"""Picture of what MFM does: image, spectrum, mask, corrupted input and reconstruction."""
from typing import Dict, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.model import is_model_wrapper  # noqa: E402

from ..models.utils import frequency_filter  # noqa: E402

COLUMNS = ('image', 'log-magnitude spectrum', 'kept frequencies', 'corrupted input',
           'reconstruction')
# The loss only scores the removed frequencies, so the reconstruction panel shows the input's
# kept frequencies plus the predicted removed ones (the raw decoder output is unconstrained
# on the kept frequencies).


def _to_unit(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> np.ndarray:
    """Normalised ``(N, C, H, W)`` -> ``(N, H, W, C)`` floats in ``[0, 1]``."""
    unit = ((images.float() * std + mean) / 255.).clamp(0., 1.)
    return unit.permute(0, 2, 3, 1).cpu().numpy()


@torch.no_grad()
def mfm_panels(model: torch.nn.Module, data_batch: dict) -> Dict[str, np.ndarray]:
    """Runs an MFM model on a batch in eval mode and returns the pictures to show.

    Args:
        model: An ``MFM`` model, possibly wrapped (DDP).
        data_batch: A collated batch as produced by the train dataloader.

    Returns:
        Arrays keyed by :data:`COLUMNS`: RGB images ``(N, H, W, 3)`` in ``[0, 1]``, the
        spectrum ``(N, H, W)`` and the fftshift-ed masks ``(N, H, W)``.
    """
    model = model.module if is_model_wrapper(model) else model
    was_training = model.training
    model.eval()
    try:
        data = model.data_preprocessor(data_batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        corrupted, reconstruction, keep = model.reconstruct(inputs, samples)
        composite = frequency_filter(inputs, keep) + frequency_filter(reconstruction, ~keep)
    finally:
        model.train(was_training)
    mean, std = model.data_preprocessor.mean, model.data_preprocessor.std
    clean = _to_unit(inputs, mean, std)
    gray = torch.from_numpy(clean.mean(axis=-1))  # (N, H, W)
    spectrum = torch.fft.fftshift(torch.fft.fft2(gray), dim=(-2, -1)).abs().log1p()
    return {
        COLUMNS[0]: clean,
        COLUMNS[1]: spectrum.numpy(),
        COLUMNS[2]: torch.stack([s.freq_mask for s in samples]).float().cpu().numpy(),
        COLUMNS[3]: _to_unit(corrupted, mean, std),
        COLUMNS[4]: _to_unit(composite, mean, std),
    }


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
    rows = len(panels[titles[0]])
    fig, axes = plt.subplots(rows, len(titles), figsize=(2.4 * len(titles), 2.4 * rows),
                             squeeze=False)
    for row in range(rows):
        masks = panels[COLUMNS[2]][row]
        h, w = masks.shape
        kind = 'low-pass' if masks[h // 2, w // 2] > 0 else 'high-pass'
        for col, title in enumerate(titles):
            ax = axes[row, col]
            image = panels[title][row]
            ax.imshow(image, cmap='gray' if image.ndim == 2 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title, fontsize=9)
            if title == COLUMNS[2]:
                ax.set_xlabel(kind, fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
    return out_file
