"""Evaluate a checkpoint with mmengine's Runner (mmpretrain's flags; imports ``mfm_mm``).

The checkpoint may be this project's or an official fine-tuned release (MFM ViT-B/16,
timm's ResNet-50, ConMIM): a release is detected, renamed to the classifier's names and
loaded strictly, head included, so the published top-1 can be checked without a separate
conversion step.
"""
import argparse

import torch

import mfm_mm  # noqa: F401  registers MFM's modules before the config is built
from mfm_mm.apis.convert_weights import Release, to_classifier
from mfm_mm.engine.runner import build_runner, load_config, stop_dataloader_workers
from mfm_mm.apis.checkpoint import load_release
from mfm_mm.utils import unwrap_model
from mfm_mm.apis.checkpoint import UnknownFormat
from mfm_mm.engine.runner.cli import add_launch_args, parse_launch_args


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Evaluate a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file (this project\'s or an official '
                        'fine-tuned release)')
    parser.add_argument('--work-dir', help='the dir to save the evaluation results')
    parser.add_argument('--out', help='dump the predictions to this pickle file')
    return parse_launch_args(add_launch_args(parser))


def load_release_weights(model: torch.nn.Module, release: Release, path: str, scope: str) -> int:
    """Loads an official fine-tuned release into the classifier strictly.

    Args:
        model: The runner's model (possibly wrapped).
        release: What :func:`mfm_mm.apis.checkpoint.load_release` read from ``path``.
        path: The checkpoint, for messages.
        scope: The config's default scope.

    Returns:
        The number of tensors loaded.

    Raises:
        SystemExit: Not a classification config, no head, or any missing / unexpected key.
    """
    if scope != 'mmpretrain':
        raise SystemExit(f'{path} is an official {release.format}: official releases are '
                         'ImageNet classifiers, test them with a classification config')
    if not release.fine_tuned:
        raise SystemExit(f'{path} is an official {release.format} without a classifier head: '
                         'fine-tune it first (README, "Start from the official weights")')
    weights = to_classifier(release)
    model = unwrap_model(model)
    result = model.load_state_dict(weights, strict=False)
    problems = [f'missing {key}' for key in result.missing_keys] + [
        f'unexpected {key}' for key in result.unexpected_keys]
    if problems:
        raise SystemExit(f'{path} ({release.format}) does not fit this config: '
                         f'{len(problems)} mismatches ({", ".join(problems[:5])})')
    return len(weights)


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.work_dir, args.cfg_options)
    missing = [key for key in ('test_dataloader', 'test_cfg', 'test_evaluator')
               if cfg.get(key) is None]
    if missing:
        raise SystemExit(f'{args.config} has no {", ".join(missing)}: pre-training configs '
                         'cannot be tested; use a fine-tuning or evaluation config')
    try:
        release = load_release(args.checkpoint)
    except UnknownFormat:
        release = None  # mmengine loads it; PretrainedGuardHook checks what it sets
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'test: {err}')
    official = release is not None and release.official
    cfg.load_from = None if official else args.checkpoint
    if args.out:
        evaluators = cfg.test_evaluator
        if isinstance(evaluators, dict):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [dict(type='DumpResults', out_file_path=args.out)]
    runner = build_runner(cfg, phase='test')
    if official:
        count = load_release_weights(runner.model, release, args.checkpoint,
                                     cfg.get('default_scope') or 'mmpretrain')
        runner.logger.info(f'{args.checkpoint}: detected {release.format}; loaded {count} '
                           'tensors (backbone and head) strictly')
    try:
        runner.test()
    finally:
        stop_dataloader_workers(runner)


if __name__ == '__main__':
    main()
