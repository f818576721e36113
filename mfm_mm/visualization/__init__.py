from .mfm_figure import (CAPTION, COLUMNS, TRANSFER_TITLE, mask_kind, mfm_figure_rgb,
                         mfm_panels, radial_power, save_mfm_figure, save_radial_power_plot)
from .mfm_vis_hook import MFMVisualizationHook

__all__ = [
    'CAPTION', 'COLUMNS', 'TRANSFER_TITLE', 'mask_kind', 'mfm_figure_rgb', 'mfm_panels',
    'radial_power', 'save_mfm_figure', 'save_radial_power_plot', 'MFMVisualizationHook'
]
