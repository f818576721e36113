"""The demo's MFM pre-training checkpoint, as the downstream demo tools read and convert it."""
from mmengine.config import Config

from ..apis.checkpoint import load_backbone_weights, save_weights
from ..apis.convert_weights import to_mmseg


def load_demo_weights(checkpoint: str) -> dict:
    """The backbone weights of ``checkpoint`` (``work_dirs/demo/epoch_30.pth`` of ``make demo``).

    Raises:
        SystemExit: The file is missing or no MFM checkpoint; the message says to run
            ``make demo`` first.
    """
    try:
        return load_backbone_weights(checkpoint)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'{err}\nrun `make demo` (tools/demo.py) first to pre-train MFM')


def save_mmseg_backbone(weights: dict, config: Config, path: str) -> str:
    """Converts ``weights`` for the mmseg ViT of ``config`` (its crop and heads) and saves them.

    Returns:
        ``path``.
    """
    return save_weights(to_mmseg(weights, img_size=config.crop_size[0],
                                 num_heads=config.model.backbone.num_heads), path)
