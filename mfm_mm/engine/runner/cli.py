"""Command-line flags shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os

from mmengine.config import DictAction


def add_launch_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Adds ``--cfg-options``, ``--launcher`` and ``--local-rank`` (mmpretrain's names).

    Args:
        parser: The tool's parser.

    Returns:
        The same parser.
    """
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. key=value')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def parse_launch_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parses the arguments and exports ``LOCAL_RANK`` for launchers that pass it as a flag.

    Args:
        parser: A parser prepared with :func:`add_launch_args`.

    Returns:
        The parsed arguments.
    """
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args
