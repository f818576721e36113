import os.path as osp

import pytest
import torch
from mmpretrain.registry import DATASETS, METRICS

from conftest import REPO
from mfm_mm.evaluation import wnid_indices
from mfm_mm.engine.runner import load_config
from test_evaluation.layouts import R_WNIDS, mmpretrain_scope, write_wnid_folders


@pytest.fixture(autouse=True)
def scope():
    with mmpretrain_scope():
        yield


def test_wnid_table():
    from mfm_mm.evaluation.metrics import IMAGENET_WNIDS
    assert len(IMAGENET_WNIDS) == len(set(IMAGENET_WNIDS)) == 1000
    assert list(IMAGENET_WNIDS) == sorted(IMAGENET_WNIDS)
    assert IMAGENET_WNIDS[0] == 'n01440764' and IMAGENET_WNIDS[-1] == 'n15075141'
    assert wnid_indices(R_WNIDS).tolist() == [1, 4, 6]
    with pytest.raises(ValueError, match='not ImageNet-1k wnids'):
        wnid_indices(['cat'])


def build_set(config: str, root: str):
    cfg = load_config(osp.join(REPO, 'configs', 'robustness', config))
    cfg.test_dataloader.dataset.data_root = root
    return DATASETS.build(cfg.test_dataloader.dataset), cfg.test_evaluator


@pytest.mark.parametrize('config', ['vit-base-p16_imagenet-r.py', 'vit-base-p16_imagenet-a.py'])
def test_200_class_subset_is_scored_on_its_own_logits(config, tmp_path):
    write_wnid_folders(str(tmp_path), R_WNIDS, per_class=2)
    dataset, evaluator_cfg = build_set(config, str(tmp_path))
    assert dataset.metainfo['classes'] == R_WNIDS and len(dataset) == 6
    metric = METRICS.build(evaluator_cfg)
    metric.dataset_meta = dataset.metainfo
    outputs = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        score = torch.zeros(1000)
        score[0] = 10.  # class 0 (tench) is not in the subset: ignored by the protocol
        # images 0-3 put more weight on their own class's 1k index, images 4-5 on another one
        target = [1, 4, 6][info['gt_label']] if i < 4 else [4, 6, 1][info['gt_label']]
        score[target] = 5.
        outputs.append(dict(pred_score=score, gt_label=torch.tensor([info['gt_label']]),
                            img_path=info['img_path']))
    metric.process({}, outputs)
    assert metric.evaluate(len(outputs)) == {f'{evaluator_cfg.prefix}/top1': pytest.approx(400 / 6)}


def test_sketch_keeps_all_1000_logits():
    from mfm_mm.evaluation.metrics import IMAGENET_WNIDS
    cfg = load_config(osp.join(REPO, 'configs', 'robustness', 'vit-base-p16_imagenet-sketch.py'))
    assert cfg.test_dataloader.dataset.data_root == 'data/imagenet-sketch/sketch'
    metric = METRICS.build(cfg.test_evaluator)
    metric.dataset_meta = dict(classes=IMAGENET_WNIDS)
    hit, miss = torch.zeros(1000), torch.zeros(1000)
    hit[7], miss[8] = 1., 1.
    metric.process({}, [dict(pred_score=hit, gt_label=torch.tensor([7])),
                        dict(pred_score=miss, gt_label=torch.tensor([7])),
                        dict(pred_score=hit, gt_label=torch.tensor([7]))])
    assert metric.evaluate(3) == {'imagenet-sketch/top1': pytest.approx(200 / 3)}


def test_wrong_score_width_names_the_metric():
    metric = METRICS.build(dict(type='ImageNetVariantAccuracy'))
    metric.dataset_meta = dict(classes=R_WNIDS)
    metric.process({}, [dict(pred_score=torch.zeros(200), gt_label=torch.tensor([0]))])
    with pytest.raises(ValueError, match='1000 ImageNet scores'):
        metric.evaluate(1)
