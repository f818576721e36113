"""Fixtures of the demo tests (imported by the test modules; a conftest.py here would shadow
the top-level one): MNIST-5k written small, an MFM checkpoint of the demo ViT."""
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PRETRAIN = osp.join(REPO, 'configs', 'demo', 'mfm_vit-4l-p7_cpu-demo_28px.py')


@pytest.fixture(scope='session')
def mnist_root(tmp_path_factory) -> str:
    """MNIST-5k with 2 labelled and 3 held-out digits per class (4,970 unlabelled)."""
    from mfm_mm.demo import write_mnist_folders
    root = str(tmp_path_factory.mktemp('mnist'))
    write_mnist_folders(root, train_per_class=2, val_per_class=3)
    return root


@pytest.fixture(scope='session')
def mfm_checkpoint(tmp_path_factory) -> str:
    """The demo's MFM model (4 layers, 128 wide, 28 px) with seeded weights off every init
    (noise on all parameters, zero-initialised ones included), saved the way a training
    checkpoint holds them (``state_dict`` with ``backbone.`` keys)."""
    from mmengine.config import Config
    from mmpretrain.registry import MODELS

    from mfm_mm.apis.checkpoint import save_weights
    torch.manual_seed(123)
    model = MODELS.build(Config.fromfile(PRETRAIN).model)
    model.init_weights()
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.01 * torch.randn_like(param))
    path = str(tmp_path_factory.mktemp('mfm') / 'epoch_1.pth')
    return save_weights(model.state_dict(), path)
