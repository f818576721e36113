from .famt_vit import FAMTViT

__all__ = ['FAMTViT']
