#!/usr/bin/env bash
# Usage: tools/dist_launch.sh SCRIPT NPROC_PER_NODE [SCRIPT args...]
# Shared by dist_train.sh and dist_test.sh: runs tools/SCRIPT under torchrun with
# --launcher pytorch. Multi-node: NNODES, NODE_RANK, MASTER_ADDR and PORT as in mmpretrain.
# PYTHON picks the interpreter (default: python). Without CUDA the processes use gloo.
SCRIPT=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/$SCRIPT" "${@:3}" --launcher pytorch
