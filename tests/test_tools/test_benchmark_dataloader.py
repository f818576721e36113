"""benchmark_dataloader.py on generated JPEGs: its tables (a compared pipeline too) and the
workers-per-GPU rule print."""
import re

from conftest import PYTHON, run_tool


def test_runs_on_two_generated_images_with_one_worker():
    out = run_tool([PYTHON, 'tools/analysis_tools/benchmark_dataloader.py',
                    'configs/mfm_vit-b_300e.py', '--images', '2', '--rounds', '1',
                    '--workers', '1', '--batch-size', '1', '--epochs', '1',
                    '--gpu-imgs-per-s', '1000', '--compare',
                    'train_dataloader.dataset.pipeline.LoadRandomResizedCrop.backend=torch']).stdout
    assert out.startswith('2 images: ImageNet-like JPEGs')
    for step in ('LoadRandomResizedCrop', 'RandomFlip', 'FrequencyMaskGenerator', 'PackInputs',
                 'PIL open + convert', 'RandomResizedCrop', 'RandomHorizontalFlip',
                 'ToTensor'):
        assert re.search(rf'^  {re.escape(step)} +\d+\.\d{{3}}$', out, re.M), step
    assert re.search(r'^ratio \(a\) / \(b\): \d\.\d{3}$', out, re.M)
    assert re.search(r"^\(a'\) \(a\) with train_dataloader\.dataset\.pipeline\."
                     r'LoadRandomResizedCrop\.backend=torch, one thread$', out, re.M)
    assert re.search(r"^ratio \(a'\) / \(b\): \d\.\d{3}$", out, re.M)
    assert re.search(r"^  from one-thread cost \(a'\): \d+ ", out, re.M)
    assert re.search(r'^   1 worker\(s\): +\d+\.\d images/s', out, re.M)
    assert re.search(r'^  from one-thread cost \(a\): \d+ \(\d+ images/s per worker\)$', out,
                     re.M)
