from .frequency_mask import FrequencyMaskGenerator, disc_keep_mask

__all__ = ['FrequencyMaskGenerator', 'disc_keep_mask']
