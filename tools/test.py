"""Evaluate a checkpoint with mmengine's Runner (mmpretrain's flags; imports ``mfm_mm``)."""
import argparse
import os

import mfm_mm  # noqa: F401  registers MFM's modules before the config is built
from mfm_mm.utils import build_runner, load_config
from mfm_mm.utils.cli import add_launch_args, parse_launch_args


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Evaluate a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the evaluation results')
    parser.add_argument('--out', help='dump the predictions to this pickle file')
    return parse_launch_args(add_launch_args(parser))


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.work_dir, args.cfg_options)
    missing = [key for key in ('test_dataloader', 'test_cfg', 'test_evaluator')
               if cfg.get(key) is None]
    if missing:
        raise SystemExit(f'{args.config} has no {", ".join(missing)}: pre-training configs '
                         'cannot be tested; use a fine-tuning or evaluation config')
    if not os.path.isfile(args.checkpoint):
        raise SystemExit(f'checkpoint not found: {args.checkpoint}')
    cfg.load_from = args.checkpoint
    if args.out:
        evaluators = cfg.test_evaluator
        if isinstance(evaluators, dict):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [dict(type='DumpResults', out_file_path=args.out)]
    runner = build_runner(cfg, phase='test')
    runner.test()


if __name__ == '__main__':
    main()
