#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG GPUS [train.py args...]
#   e.g. tools/dist_train.sh configs/mfm_vit-b_800e.py 8
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT (see tools/dist_launch.sh).
# SIGTERM to torchrun reaches every rank: each saves WORK_DIR/latest.pth after its iteration
# and exits (torchrun kills what is left 30 s later); then add --resume to go on.
exec bash "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"
