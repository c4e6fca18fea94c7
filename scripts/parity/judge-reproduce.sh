#!/usr/bin/env bash
# Reproduces published judge numbers from ../shared/data with the built proctor:
#  1. MT-Bench pairwise (phi-3 vs phi-3-dpo, GPT-4 judge): inconsistent verdicts when the order swaps,
#     re-read from the raw judge text (FastChat recorded 28 inconsistent of 75).
#  2. The book's GPT-4 vs Llama-3-8B judge scores of model 1 (Pearson 0.80, Spearman 0.70, Kendall 0.57).
# Usage: scripts/parity/judge-reproduce.sh [path/to/proctor]
set -euo pipefail
cd "$(dirname "$0")/../.."
PROCTOR=${1:-.build-judge/debug/proctor}
DATA=${PROCTOR_SHARED_DATA:-../shared/data}
echo "== MT-Bench pairwise, stefanstud-phi3 gpt-4_pair.jsonl"
"$PROCTOR" judge reparse "$DATA/mt-bench/community_runs/stefanstud-phi3/model_judgment/gpt-4_pair.jsonl"
echo
echo "== MT-Bench single, stefanstud-phi3 gpt-4_single.jsonl"
"$PROCTOR" judge reparse "$DATA/mt-bench/community_runs/stefanstud-phi3/model_judgment/gpt-4_single.jsonl"
echo
echo "== MT-Bench single with fractional ratings and repeats, dreaming-panda gpt-4_single-origin.jsonl"
"$PROCTOR" judge reparse "$DATA/mt-bench/community_runs/dreaming-panda-llama3/model_judgment/gpt-4_single-origin.jsonl"
for model in 1 2; do
    echo
    echo "== Book scores, model $model: GPT-4 judge vs Llama-3-8B judge"
    "$PROCTOR" judge agreement "$DATA/alpaca-raschka/scores/gpt4-model-$model-response.json" \
        "$DATA/alpaca-raschka/scores/llama3-8b-model-$model-response.json"
done
