"""The numbers the READMEs report are the metafiles' (what `mim search mfm_mm` shows)."""
import os.path as osp
import re

import pytest

from conftest import REPO
from test_metafiles import INDEX

MNIST = 'mfm_vit-4l-p7_cpu-demo_28px'
FINETUNE, UPERNET = 'vit-4l-p7_ft-mnist_28px', 'vit-4l-p7_upernet-mnist_28px'


def metric(model: str, name: str) -> float:
    """A result of the model index, by model and metric name."""
    found = [result.metrics[name] for entry in INDEX.models if entry.name == model
             for result in entry.results or [] if name in result.metrics]
    assert len(found) == 1, (model, name)
    return found[0]


def page(path: str) -> str:
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        return f.read()


def numbers(pattern: str, text: str) -> tuple:
    # a page may break a line at any space (re.escape writes spaces as '\ ')
    found = re.search(pattern.replace('\\ ', ' ').replace(' ', r'\s+'), text)
    assert found, pattern
    return tuple(float(value) for value in found.groups())


DEMO = {
    'classification': (FINETUNE, 'Top 1, MFM init (measured)', 'Top 1, random init (measured)'),
    'segmentation': (UPERNET, 'mIoU, MFM init (measured)', 'mIoU, random init (measured)'),
}


def expected(task: str) -> tuple:
    model, mfm, random = DEMO[task]
    return metric(model, mfm), metric(model, random)


def test_top_readme_demo_table_and_pre_training_are_the_metafiles():
    text = page('README.md')
    assert numbers(r'\| digits top-1 \(%\) \| ([\d.]+) ± [\d.]+ \[[\d., ]+\] \| ([\d.]+) ±',
                   text) == expected('classification')
    assert numbers(r'\| digit strokes mIoU \(%\) \| ([\d.]+) ± [\d.]+ \[[\d., ]+\] \| ([\d.]+) ±',
                   text) == expected('segmentation')
    assert numbers(r'pre-training (\d+) s \(1,890 iterations at 2 threads, loss ([\d.]+) → '
                   r'([\d.]+)\)', text) == (metric(MNIST, 'Pre-train seconds (measured)'),
                                            metric(MNIST, 'First loss (measured)'),
                                            metric(MNIST, 'Last loss (measured)'))


def test_mfm_page_is_the_metafiles():
    text = page('configs/mfm/README.md')
    assert numbers(r'loss ([\d.]+) → ([\d.]+) in (\d+) s \| `make demo`', text) == (
        metric(MNIST, 'First loss (measured)'), metric(MNIST, 'Last loss (measured)'),
        metric(MNIST, 'Pre-train seconds (measured)'))
    assert numbers(r'\| ([\d.]+) % / ([\d.]+) % \(mean of seeds', text) == expected(
        'classification')
    assert numbers(r'\| ([\d.]+) % / ([\d.]+) % \(within the seed spread\)', text) == expected(
        'segmentation')
    tiny = 'mfm_vit-tiny-p16_cpu-demo_128px'
    assert numbers(r'loss ([\d.]+) → ([\d.]+) in (\d+) s \| `tools/demo.py`', text) == (
        metric(tiny, 'First loss (measured)'), metric(tiny, 'Last loss (measured)'),
        metric(tiny, 'Pre-train seconds (measured)'))
    assert numbers(r'\| ([\d.]+) \(ViT-S\), ([\d.]+) \(ViT-B\)', text) == (
        metric('mfm_vit-small-p16_8xb256-amp-coslr-300e_in1k', 'Step vs pixel-L2 (measured)'),
        metric('mfm_vit-base-p16_8xb256-amp-coslr-300e_in1k', 'Step vs pixel-L2 (measured)'))
    vit_b = 'mfm_vit-base-p16_8xb256-amp-coslr-300e_in1k'
    r50 = 'mfm_resnet50_8xb256-amp-coslr-300e_in1k'
    for row, model, name in [
            ('mfm_vit-b_300e.py` | ViT-B/16 | 100 epochs', vit_b, 'Top 1 Accuracy (paper)'),
            ('mfm_resnet50_300e.py` | ResNet-50 | 100 epochs', r50, 'Top 1 Accuracy (paper)'),
            ('mfm_resnet50_300e.py` | ResNet-50 | 300 epochs', r50, 'Top 1, 300e FT (paper)')]:
        assert numbers(re.escape(row) + r' \| ([\d.]+) \|', text) == (metric(model, name), )


@pytest.mark.parametrize('config, task', [('vit-4l-p7_ft-mnist_28px.py', 'classification'),
                                          ('vit-4l-p7_upernet-mnist_28px.py', 'segmentation')])
def test_benchmarks_page_is_the_metafiles(config, task):
    text = page('configs/benchmarks/README.md')
    assert numbers(re.escape(config) + r'` \| [^|]+ \| ([\d.]+) % \| ([\d.]+) % \|',
                   text) == expected(task)


def test_no_page_reports_the_old_photo_and_digits_demo():
    for path in ('README.md', 'configs/mfm/README.md', 'configs/benchmarks/README.md'):
        text = page(path)
        assert '17.7' not in text and 'coins' not in text, path
