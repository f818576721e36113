from .frozen_params_constructor import FrozenParamsOptimWrapperConstructor

__all__ = ['FrozenParamsOptimWrapperConstructor']
