from .frequency_loss import FrequencyLoss

__all__ = ['FrequencyLoss']
