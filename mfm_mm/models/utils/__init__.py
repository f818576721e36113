from .frequency import frequency_corrupt, frequency_filter, to_fft_layout

__all__ = ['frequency_corrupt', 'frequency_filter', 'to_fft_layout']
