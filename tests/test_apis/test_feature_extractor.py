"""Features of an image or a folder from a pre-training config and its checkpoint."""
import numpy as np
import pytest
import torch
from PIL import Image

from mfm_mm.apis import MFMFeatureExtractor, eval_pipeline, get_config, get_model, image_files

DEMO = 'mfm_vit-4l-p7_cpu-demo_28px'


@pytest.fixture
def folder(tmp_path):
    """Three grey 40 x 30 images in a sub-folder, and a text file the extractor skips."""
    (tmp_path / 'digits').mkdir()
    rng = np.random.default_rng(0)
    for index in range(3):
        pixels = rng.integers(0, 256, (40, 30), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / 'digits' / f'{index}.png')
    (tmp_path / 'notes.txt').write_text('not an image')
    return tmp_path


def test_pretraining_config_gets_a_resize_and_centre_crop_at_its_crop_size():
    assert [step['type'] for step in eval_pipeline(get_config(DEMO))] == [
        'ResizeEdge', 'CenterCrop', 'PackInputs']
    assert eval_pipeline(get_config(DEMO))[1]['crop_size'] == (28, 28)


def test_folder_features_equal_the_backbone_on_the_preprocessed_images(folder):
    files = image_files(str(folder))
    assert [f.split('/')[-1] for f in files] == ['0.png', '1.png', '2.png']
    extractor = MFMFeatureExtractor(DEMO)
    features = extractor(str(folder), batch_size=2)
    assert len(features) == 3 and features[0][0].shape == (128, 4, 4)
    single = extractor(files[2])[0][0]
    assert torch.allclose(features[2][0], single, atol=1e-5)


def test_extractor_loads_the_checkpoint(folder, tmp_path):
    model = get_model(DEMO)
    torch.nn.init.constant_(model.backbone.ln1.bias, 0.25)
    path = str(tmp_path / 'epoch_1.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    image = str(folder / 'digits' / '0.png')
    loaded = MFMFeatureExtractor(DEMO, pretrained=path)
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value), key
    shift = loaded(image)[0][0] - MFMFeatureExtractor(DEMO)(image)[0][0]
    assert shift.abs().max() > 0.1
