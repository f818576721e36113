from .transforms import FrequencyMaskGenerator

__all__ = ['FrequencyMaskGenerator']
