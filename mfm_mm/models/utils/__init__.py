from .frequency import (frequency_filter, half_spectrum, hermitian_weights,
                        to_fft_layout)

__all__ = [
    'frequency_filter', 'half_spectrum', 'hermitian_weights',
    'to_fft_layout'
]
