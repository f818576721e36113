from .frequency import (check_radius, disc_keep_mask, frequency_filter, hermitian_weights,
                        radius_in_bins, to_fft_layout)

__all__ = [
    'check_radius', 'disc_keep_mask', 'frequency_filter', 'hermitian_weights', 'radius_in_bins',
    'to_fft_layout'
]
