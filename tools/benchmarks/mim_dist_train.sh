#!/usr/bin/env bash
# Usage: tools/benchmarks/mim_dist_train.sh CONFIG PRETRAIN GPUS [train.py args...]
# Chains a pre-training checkpoint (this project's or an official MFM / MAE release) into a
# downstream config of configs/benchmarks/ (fine-tuning, linear probing or segmentation):
# converts PRETRAIN for the config's library
# into {work_dir}/pretrain/<PRETRAIN name>.pth, then runs tools/dist_train.sh with
# model.backbone.init_cfg.checkpoint pointing at it. WORK_DIR (default
# work_dirs/<config name>), PYTHON, NNODES, NODE_RANK, MASTER_ADDR and PORT as in
# tools/dist_train.sh; without CUDA the processes run on CPU with gloo.
set -e
CONFIG=$1
PRETRAIN=$2
GPUS=$3
if [ -z "$GPUS" ]; then
    echo "usage: $0 CONFIG PRETRAIN GPUS [train.py args...]" >&2
    exit 2
fi
TOOLS="$(dirname "$0")/.."
NAME=$(basename "$CONFIG" .py)
WORK_DIR=${WORK_DIR:-work_dirs/$NAME}
WEIGHTS="$WORK_DIR/pretrain/$(basename "$PRETRAIN" .pth).pth"

PYTHONPATH="$TOOLS/..":$PYTHONPATH \
    "${PYTHON:-python}" "$TOOLS/benchmarks/convert_pretrain.py" "$CONFIG" "$PRETRAIN" "$WEIGHTS" "${@:4}"
bash "$TOOLS/dist_train.sh" "$CONFIG" "$GPUS" --work-dir "$WORK_DIR" \
    --cfg-options "model.backbone.init_cfg.checkpoint=$WEIGHTS" "${@:4}"
