from .hooks import FAMTRefreshHook

__all__ = ['FAMTRefreshHook']
