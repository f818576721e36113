from .frequency import (frequency_corrupt, frequency_filter, half_spectrum, hermitian_weights,
                        to_fft_layout)

__all__ = [
    'frequency_corrupt', 'frequency_filter', 'half_spectrum', 'hermitian_weights',
    'to_fft_layout'
]
