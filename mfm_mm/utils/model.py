"""Small model helpers shared by algorithms, hooks and pictures: unwrap, (un-)normalise."""
import torch
from mmengine.model import is_model_wrapper


def unwrap_model(model: torch.nn.Module) -> torch.nn.Module:
    """The model inside a DDP / FSDP wrapper, or the model itself.

    Args:
        model: A model, possibly wrapped.

    Returns:
        The unwrapped model.
    """
    return model.module if is_model_wrapper(model) else model


def to_unit(inputs: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Un-normalises images to ``[0, 1]`` (not clamped), in float32.

    Args:
        inputs: Normalised images ``(N, C, H, W)``, i.e. ``(x_255 - mean) / std``.
        mean: Per-channel mean ``(C, 1, 1)`` on the 0-255 scale (a data preprocessor's).
        std: Per-channel std ``(C, 1, 1)`` on the 0-255 scale.

    Returns:
        ``x_255 / 255`` of shape ``(N, C, H, W)``.
    """
    return (inputs.float() * std + mean) / 255.


def from_unit(unit: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Normalises images in ``[0, 1]`` again: the inverse of :func:`to_unit`.

    Args:
        unit: Images ``(N, C, H, W)`` on the ``[0, 1]`` scale.
        mean: Per-channel mean ``(C, 1, 1)`` on the 0-255 scale.
        std: Per-channel std ``(C, 1, 1)`` on the 0-255 scale.

    Returns:
        ``(unit * 255 - mean) / std`` of shape ``(N, C, H, W)``.
    """
    return (unit * 255. - mean) / std
