from .famt_decoder import FAMTPretrainDecoder

__all__ = ['FAMTPretrainDecoder']
