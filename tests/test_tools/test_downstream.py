"""tools/benchmarks/mim_dist_train.sh end to end: a freshly pre-trained MFM checkpoint is
converted and fine-tuned (digits, ImageNet layout) and segmented (coins, ADE20K layout)
through the runners, and validation reports accuracy / mIoU."""
import glob
import json
import os.path as osp
import re
import socket
import subprocess

import pytest

from conftest import PYTHON, REPO, run_script, run_tool
from helpers.official_releases import EMBED, FFN, mfm_vit_pretrain, save_release, vit_weights
from mfm_mm.demo import (COIN_CLASSES, DIGIT_CLASSES, as_cli, classification_options,
                         segmentation_options, write_coins_ade20k_folder,
                         write_digits_imagenet_folder)
from mfm_mm.apis.checkpoint import load_backbone_weights
from mfm_mm.apis.convert_weights import vit_arch
from tiny_mfm import pretrained_tiny_mfm

BENCHMARKS = osp.join(REPO, 'configs', 'benchmarks')
FINETUNE = osp.join(BENCHMARKS, 'classification', 'vit-base-p16_8xb256-coslr-100e_in1k.py')
UPERNET = osp.join(BENCHMARKS, 'segmentation', 'vit-base-p16_upernet_8xb2-amp-160k_ade20k-512x512.py')
RELEASE_ARCH = dict(embed_dims=EMBED, num_layers=4, num_heads=EMBED // 64,
                    feedforward_channels=FFN)  # 4 blocks: UperNet takes 4 of them


@pytest.fixture(scope='module')
def mfm_checkpoint(tiny_imagenet, tmp_path_factory) -> str:
    return pretrained_tiny_mfm(tiny_imagenet, str(tmp_path_factory.mktemp('tiny_mfm')))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def benchmark(config: str, checkpoint: str, work_dir: str, options: dict) -> str:
    """Runs the chain script on one CPU process and returns its output."""
    proc = run_tool(['bash', 'tools/benchmarks/mim_dist_train.sh', config, checkpoint, '1',
                     '--cfg-options', *as_cli(options)],
                    env={'PYTHON': PYTHON, 'PORT': str(free_port()), 'WORK_DIR': work_dir,
                         'OMP_NUM_THREADS': '1'})
    return proc.stdout + proc.stderr


def log_file(work_dir: str) -> str:
    path, = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(path) as f:
        return f.read()


def scalars(work_dir: str) -> list:
    path, = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        return [json.loads(line) for line in f]


@pytest.mark.slow
def test_finetune_chain_reports_accuracy(mfm_checkpoint, tmp_path):
    root = str(tmp_path / 'digits')
    assert write_digits_imagenet_folder(root, size=64, train_per_class=4, val_per_class=3) == {
        'train': 40, 'val': 30}
    arch = vit_arch(load_backbone_weights(mfm_checkpoint))
    work_dir = str(tmp_path / 'finetune')
    options = classification_options(root, DIGIT_CLASSES, arch, None, img_size=64, epochs=2,
                                     batch_size=8)
    benchmark(FINETUNE, mfm_checkpoint, work_dir, options)
    log = log_file(work_dir)
    converted = osp.join(work_dir, 'pretrain', osp.basename(mfm_checkpoint))
    assert f'PretrainedInit: load from {converted}' in log
    assert 'missing keys in source state_dict: ln2.weight, ln2.bias' in log  # the new fc norm
    rows = scalars(work_dir)
    losses = [(row['iter'], row['loss']) for row in rows if 'loss' in row]
    assert [it for it, _ in losses] == [5, 10]  # 40 / 8 x 2 epochs, logged every 5
    assert all(0 < loss < 5 for _, loss in losses)
    top1, = [row['accuracy/top1'] for row in rows if 'accuracy/top1' in row]
    assert 0 <= top1 <= 100 and round(top1 * 30 / 100, 3) % 1 == 0  # k of 30 images right


@pytest.mark.slow
def test_segmentation_chain_reports_miou(mfm_checkpoint, tmp_path):
    root = str(tmp_path / 'coins')
    assert write_coins_ade20k_folder(root, size=96, num_train=8, num_val=2) == {
        'training': 8, 'validation': 2}
    arch = vit_arch(load_backbone_weights(mfm_checkpoint))
    work_dir = str(tmp_path / 'upernet')
    options = segmentation_options(root, COIN_CLASSES, arch, None, crop=64, image_size=96,
                                   iters=6, batch_size=4)
    log = benchmark(UPERNET, mfm_checkpoint, work_dir, options)
    assert 'No CUDA device, CPU fallback: optim_wrapper: AmpOptimWrapper -> OptimWrapper' in log
    assert '| background |' in log and '| coin |' in log.replace('|    coin    |', '| coin |')
    rows = scalars(work_dir)
    losses = {row['iter']: row['loss'] for row in rows if 'loss' in row}
    assert 5 in losses and all(0 < loss < 5 for loss in losses.values())
    miou, = [row['mIoU'] for row in rows if 'mIoU' in row]
    assert 0 <= miou <= 100


def train(config: str, work_dir: str, options: dict) -> subprocess.CompletedProcess:
    """tools/train.py in this process (the return code is the caller's to check)."""
    return run_script('tools/train.py', config, '--work-dir', work_dir, '--cfg-options',
                      *as_cli(options))


def assert_guard_stops(proc: subprocess.CompletedProcess, release: str, counts: str,
                       backbone: str, converter: str) -> None:
    assert proc.returncode != 0
    assert (f'{release} leaves {counts} parameters of model.backbone ({backbone}) unset: '
            'backbone.cls_token, backbone.pos_embed') in proc.stderr, proc.stderr[-2000:]
    assert f'python tools/model_converters/{converter}.py {release} OUT' in proc.stderr


def trained_iterations(work_dir: str) -> list:
    return [row['iter'] for row in scalars(work_dir) if 'loss' in row]


@pytest.mark.slow
def test_upernet_stops_on_an_unconverted_release_and_trains_on_the_converted_one(tmp_path):
    root = str(tmp_path / 'coins')
    write_coins_ade20k_folder(root, size=96, num_train=4, num_val=1)
    release = save_release(str(tmp_path / 'mfm_vit.pth'), 'model', mfm_vit_pretrain(32, 4), True)
    options = dict(segmentation_options(root, COIN_CLASSES, RELEASE_ARCH, release, crop=64,
                                        image_size=96, iters=2, batch_size=2),
                   **{'default_hooks.logger.interval': 1})
    # mmseg's MAE would load this file with strict=False and report nothing
    # 4 blocks of 15 + class token, position and patch embedding, final norm
    assert_guard_stops(train(UPERNET, str(tmp_path / 'raw'), options), release, '66 of 66', 'MAE',
                       'mfm2mmseg')
    converted = str(tmp_path / 'mmseg_backbone.pth')
    out = run_script('tools/model_converters/mfm2mmseg.py', release, converted,
                     '--img-size', '64').stdout
    assert out.startswith('detected: MFM ViT pre-train (official')
    options['model.backbone.init_cfg.checkpoint'] = converted
    proc = train(UPERNET, str(tmp_path / 'converted'), options)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert trained_iterations(str(tmp_path / 'converted')) == [1, 2]


@pytest.mark.slow
def test_finetune_stops_on_an_unconverted_release_and_trains_on_the_converted_one(tmp_path):
    root = str(tmp_path / 'digits')
    write_digits_imagenet_folder(root, size=64, train_per_class=1, val_per_class=1)
    release = save_release(str(tmp_path / 'mfm_vit.pth'), 'model', mfm_vit_pretrain(32, 4), True)
    options = dict(classification_options(root, DIGIT_CLASSES, RELEASE_ARCH, release, img_size=64,
                                          epochs=2, batch_size=10),
                   **{'default_hooks.logger.interval': 1})
    # the new mean-pool norm (ln2.weight, ln2.bias) is the config's intended gap
    assert_guard_stops(train(FINETUNE, str(tmp_path / 'raw'), options), release, '56 of 58',
                       'BEiTViT', 'mfm2mmpretrain')
    converted = str(tmp_path / 'mmpretrain_backbone.pth')
    assert run_script('tools/model_converters/mfm2mmpretrain.py', release, converted).returncode == 0
    options['model.backbone.init_cfg.checkpoint'] = converted
    proc = train(FINETUNE, str(tmp_path / 'converted'), options)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert trained_iterations(str(tmp_path / 'converted')) == [1, 2]  # 10 images, batch 10


@pytest.mark.slow
def test_an_official_fine_tuned_release_is_tested_directly(tmp_path):
    root = str(tmp_path / 'digits')
    write_digits_imagenet_folder(root, size=64, train_per_class=1, val_per_class=2)
    release = save_release(str(tmp_path / 'mfm_vit_ft.pth'), 'model',
                           vit_weights(64, 'mfm', head=True, layers=4), True)
    options = classification_options(root, DIGIT_CLASSES, RELEASE_ARCH, None, img_size=64)
    work_dir = str(tmp_path / 'test')
    proc = run_tool([PYTHON, 'tools/test.py', FINETUNE, release, '--work-dir', work_dir,
                     '--cfg-options', *as_cli(options)], env={'OMP_NUM_THREADS': '1'})
    log = proc.stdout + proc.stderr
    assert (f"{release}: detected MFM ViT fine-tuned (official, weights under 'model' of a full "
            'save (args, config, epoch, model, optimizer)); loaded 60 tensors (backbone and '
            'head) strictly') in log
    top1 = float(re.search(r'accuracy/top1: ([\d.]+)', log).group(1))
    assert round(top1 * 20 / 100, 3) % 1 == 0  # k of the 20 validation images
