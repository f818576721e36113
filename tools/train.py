"""Train a model with mmengine's Runner (mmpretrain's flags; imports ``mfm_mm``)."""
import argparse
import sys

import mfm_mm  # noqa: F401  registers MFM's modules before the config is built
from mfm_mm.engine.runner import (DiskWriteError, apply_train_args, build_runner, load_config,
                                  stop_dataloader_workers)
from mfm_mm.engine.runner.cli import add_launch_args, parse_launch_args


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in the work_dir '
        'when no path is given')
    parser.add_argument('--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual total batch size')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='do not pin memory in the dataloaders')
    parser.add_argument('--no-persistent-workers', action='store_true',
                        help='do not keep dataloader workers alive between epochs')
    return parse_launch_args(add_launch_args(parser))


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.work_dir, args.cfg_options)
    try:
        runner = build_runner(apply_train_args(cfg, args))
        try:
            runner.train()
        finally:
            stop_dataloader_workers(runner)
    except DiskWriteError as err:  # a full disk, a quota: one line, the checkpoints intact
        sys.exit(f'error: {err.strerror}')


if __name__ == '__main__':
    main()
