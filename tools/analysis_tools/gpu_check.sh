#!/usr/bin/env bash
# One-shot GPU check (one GPU, < 8 min): benchmark_pretrain.py for MFM ViT-B/16 and ResNet-50
# with bf16 and fp16 autocast (fast vs stock backbone, images/s, TFLOP/s, MFU, peak memory),
# 20 iterations of tools/train.py (ViT-B/16, AMP) on images generated from the bundled photos,
# then the ViT-B/16 step with encoder + decoder compiled by inductor; prints one table.
# Every step has a time limit, cut to what is left of a 470 s budget (later steps are skipped
# when it is spent), so the whole check ends within 8 minutes.
#
# Usage: tools/analysis_tools/gpu_check.sh [--dry-run] [--out DIR] [--batch N]
#                                          [--peak-tflops X] [--no-compile]
#   --dry-run      print the commands with their worst-case limits, run nothing (no GPU needed)
#   --out DIR      where data, JSON and logs go (default: work_dirs/gpu_check)
#   --batch N      images per benchmark step (default 128; the training uses 96)
#   --peak-tflops  dense fp16/bf16 peak for the MFU when the GPU is not in the table
#   --no-compile   skip the compiled run (the slowest: inductor compiles for 1-3 min)
set -euo pipefail
cd "$(dirname "$0")/../.."

DRY_RUN=0 OUT=work_dirs/gpu_check BATCH=128 PEAK=() COMPILE=1
TRAIN_BATCH=96 TRAIN_ITERS=20 BUDGET_S=470 START_S=$SECONDS
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) DRY_RUN=1; shift ;;
        --out) OUT="${2:?--out needs a folder}"; shift 2 ;;
        --batch) BATCH="${2:?--batch needs a number}"; shift 2 ;;
        --peak-tflops) PEAK=(--peak-tflops "${2:?--peak-tflops needs a number}"); shift 2 ;;
        --no-compile) COMPILE=0; shift ;;
        *) echo "gpu_check.sh: unknown option '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
done
if ! [[ "$BATCH" =~ ^[1-9][0-9]*$ ]]; then
    echo "gpu_check.sh: --batch must be a positive integer, got '$BATCH'" >&2; exit 2
fi
PYTHON="${PYTHON:-$( [[ -x .venv/bin/python ]] && echo .venv/bin/python || echo python )}"
DATA="$OUT/data"

run() {  # run LIMIT_S CMD...: print it, then (unless --dry-run) run it within the budget
    local limit="$1" left=$(( BUDGET_S - (SECONDS - START_S) )); shift
    (( left < limit )) && limit=$left
    (( limit < 0 )) && limit=0
    echo "+ [${limit}s] $*"
    if [[ $DRY_RUN == 1 ]]; then  # plan with every step taking its whole limit
        START_S=$(( START_S - limit ))
        return 0
    fi
    if (( limit < 10 )); then
        echo "gpu_check.sh: SKIPPED (time budget spent): $*" | tee -a "$OUT/failures.txt"
        return 0
    fi
    timeout "$limit" "$@" || echo "gpu_check.sh: FAILED (exit $?): $*" | tee -a "$OUT/failures.txt"
}

if [[ $DRY_RUN == 0 ]]; then
    if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
        echo "gpu_check.sh: no CUDA device visible to $PYTHON (torch.cuda.is_available() is" \
             "False); use --dry-run to see the commands" >&2
        exit 1
    fi
    mkdir -p "$OUT"
    rm -rf "$OUT"/bench_*.json "$OUT/failures.txt" "$OUT/train"
fi

# One epoch of exactly TRAIN_ITERS iterations: 12 bundled photos, cropped (96 * 20 / 12).
CROPS=$(( TRAIN_BATCH * TRAIN_ITERS / 12 ))
run 45 "$PYTHON" -c "from mfm_mm.demo import write_imagenet_folder; \
write_imagenet_folder('$DATA', crops_per_photo=$CROPS, size=256)"

BENCH=(tools/analysis_tools/benchmark_pretrain.py --device cuda --batch-size "$BATCH"
       --repeats 5 --warmup 2 --data-root "$DATA" "${PEAK[@]}")
for model in vit-b resnet50; do
    for amp in bf16 fp16; do
        run 70 "$PYTHON" "${BENCH[@]}" "configs/mfm_${model}_300e.py" --amp "$amp" \
            --json "$OUT/bench_${model}_${amp}.json"
    done
done
run 100 "$PYTHON" tools/train.py configs/mfm_vit-b_300e.py --amp --work-dir "$OUT/train" \
    --cfg-options "train_dataloader.dataset.data_root=$DATA" \
    "train_dataloader.batch_size=$TRAIN_BATCH" train_dataloader.num_workers=8 \
    train_cfg.max_epochs=1 param_scheduler.LinearLR.end=1 param_scheduler.CosineAnnealingLR.begin=1 \
    param_scheduler.CosineAnnealingLR.end=2 param_scheduler.CosineAnnealingLR.T_max=1 custom_hooks=[] \
    default_hooks.logger.interval=5 randomness.seed=0

if [[ $COMPILE == 1 ]]; then
    run 150 "$PYTHON" "${BENCH[@]}" configs/mfm_vit-b_300e.py --amp bf16 --compile inductor \
        --json "$OUT/bench_vit-b_bf16_compiled.json"
fi

BUDGET_S=$(( BUDGET_S + 10 ))  # the table always prints
run 10 "$PYTHON" tools/analysis_tools/summarise_gpu_check.py "$OUT"
