from .mfm_figure import (COLUMNS, mask_kind, mfm_figure_rgb, mfm_panels, radial_power,
                         save_mfm_figure, save_radial_power_plot)
from .mfm_vis_hook import MFMVisualizationHook

__all__ = [
    'COLUMNS', 'mask_kind', 'mfm_figure_rgb', 'mfm_panels', 'radial_power', 'save_mfm_figure',
    'save_radial_power_plot', 'MFMVisualizationHook'
]
