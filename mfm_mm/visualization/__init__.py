from .mfm_figure import COLUMNS, mfm_panels, save_mfm_figure
from .mfm_vis_hook import MFMVisualizationHook

__all__ = ['COLUMNS', 'mfm_panels', 'save_mfm_figure', 'MFMVisualizationHook']
