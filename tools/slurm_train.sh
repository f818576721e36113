#!/usr/bin/env bash
# Usage: [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
#
# Pre-emption and time limits: on SIGTERM (slurm's pre-emption and time-limit signal) or
# SIGUSR1 every rank finishes its iteration, WORK_DIR/latest.pth is written and named by
# WORK_DIR/last_checkpoint, one line is logged and the run exits with 128 + the signal number;
# `--resume` goes on from that iteration with the uninterrupted run's losses. Slurm kills
# KillWait seconds (often 30) after SIGTERM, so for large models ask for a signal ahead of the
# limit, e.g. SRUN_ARGS="--signal=USR1@180" (SIGUSR1 to the tasks 3 minutes before the limit).
# To requeue, submit with `sbatch --requeue` and this script with `--resume` in the batch
# script; a pre-empted job then continues where it stopped:
#   #SBATCH --requeue --signal=B:USR1@180
#   trap 'scontrol requeue $SLURM_JOB_ID' USR1     # the batch shell requeues ...
#   SRUN_ARGS="--signal=USR1@180" tools/slurm_train.sh P J CONFIG WORK_DIR --resume &
#   wait                                            # ... while the tasks save and exit
# A second run in WORK_DIR (e.g. the requeued job while the old one still saves) stops at once
# naming the PID that holds the work_dir; it is free as soon as that process has exited.
exec bash "$(dirname "$0")/slurm_launch.sh" "$1" "$2" train.py "$3" --work-dir="$4" "${@:5}"
