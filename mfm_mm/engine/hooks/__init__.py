from .famt_refresh_hook import FAMTRefreshHook

__all__ = ['FAMTRefreshHook']
