import os.path as osp

import pytest
import torch
from mmpretrain.registry import DATASETS, METRICS

from conftest import REPO
from mfm_mm.evaluation.metrics import ALEXNET_ERRORS, STANDARD_CORRUPTIONS
from mfm_mm.engine.runner import load_config
from test_evaluation.layouts import R_WNIDS, mmpretrain_scope, write_imagenet_c


@pytest.fixture(autouse=True)
def scope():
    with mmpretrain_scope():
        yield


CORRUPTIONS = ('fog', 'gaussian_noise')


def test_alexnet_table():
    assert len(STANDARD_CORRUPTIONS) == 15 and set(STANDARD_CORRUPTIONS) < set(ALEXNET_ERRORS)
    assert ALEXNET_ERRORS['gaussian_noise'] == 0.886428
    assert ALEXNET_ERRORS['jpeg_compression'] == 0.606500


def test_mce_on_the_imagenet_c_layout_matches_hand_computation(tmp_path):
    write_imagenet_c(str(tmp_path), CORRUPTIONS, R_WNIDS[:2], per_class=2)
    cfg = load_config(osp.join(REPO, 'configs', 'robustness', 'vit-base-p16_imagenet-c.py'))
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.datasets = [
        dict(d, data_root=str(tmp_path)) for d in dataset_cfg.datasets
        if d['data_prefix'].split('/')[0] in CORRUPTIONS
    ]
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 2 * 5 * 2 * 2
    metric = METRICS.build(dict(cfg.test_evaluator, corruptions=CORRUPTIONS))
    metric.dataset_meta = dataset.metainfo
    # fog: severity s gets s - 1 of its 4 images wrong; gaussian_noise: all wrong at s = 5 only
    outputs, seen = [], {}
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        corruption, severity = info['img_path'].split('/')[-4], int(info['img_path'].split('/')[-3])
        count = seen[corruption, severity] = seen.get((corruption, severity), 0) + 1
        wrong = count <= severity - 1 if corruption == 'fog' else severity == 5
        label = info['gt_label']
        score = torch.zeros(1000)
        score[[1, 4][1 - label if wrong else label]] = 1.
        outputs.append(dict(pred_score=score, gt_label=torch.tensor([label]),
                            img_path=info['img_path']))
    metric.process({}, outputs)
    metrics = metric.evaluate(len(outputs))
    fog = (0 + 1 + 2 + 3 + 4) / 4 / 5 / 0.819324  # mean error over severities / AlexNet's
    noise = (0 + 0 + 0 + 0 + 1) / 5 / 0.886428
    assert metrics['imagenet-c/CE/fog'] == pytest.approx(100 * fog)
    assert metrics['imagenet-c/CE/gaussian_noise'] == pytest.approx(100 * noise)
    assert metrics['imagenet-c/mCE'] == pytest.approx(100 * (fog + noise) / 2)
    assert metrics['imagenet-c/error'] == pytest.approx(100 * (10 + 4) / 40)


def test_missing_severity_and_unknown_corruption_are_named(tmp_path):
    with pytest.raises(ValueError, match="'blurry'.*known: gaussian_noise"):
        METRICS.build(dict(type='MeanCorruptionError', corruptions=('blurry', )))
    metric = METRICS.build(dict(type='MeanCorruptionError', corruptions=('fog', )))
    metric.dataset_meta = dict(classes=R_WNIDS)
    score = torch.zeros(1000)
    metric.process({}, [dict(pred_score=score, gt_label=torch.tensor([0]),
                             img_path=f'/d/fog/{s}/{R_WNIDS[0]}/x.JPEG') for s in (1, 2, 3)])
    with pytest.raises(ValueError, match=r'fog at severities \[4, 5\]'):
        metric.evaluate(3)
    metric = METRICS.build(dict(type='MeanCorruptionError', corruptions=('fog', )))
    metric.dataset_meta = dict(classes=R_WNIDS)
    metric.process({}, [dict(pred_score=score, gt_label=torch.tensor([0]),
                             img_path=f'/d/fog/{R_WNIDS[0]}/x.JPEG')])
    with pytest.raises(ValueError, match='not in the ImageNet-C layout'):
        metric.evaluate(1)
