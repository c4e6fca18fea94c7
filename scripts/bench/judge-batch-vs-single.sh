#!/usr/bin/env bash
# Batch vs single judging on real IFT answers (issue: LLM-as-judge): the 110 test items of the
# book's Alpaca data answered by three models (the book's fine-tuned GPT-2, whose answers ship in
# instruction-data-with-response.json, and SmolLM2-135M-Instruct and Gemma-3-270M, generated
# here with `proctor ift`), judged by SmolLM2-135M-Instruct in-process with the book's 0-100
# prompt: `--mode single` (one call per model and item) and `--mode batch` (all three answers
# to an item in one call). Both runs go into one store; the call counts are the engine's.
#
#   scripts/bench/judge-batch-vs-single.sh [DATA_DIR]      (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-../shared/data}/alpaca-raschka"
BIN=.build/release/proctor
OUT="${BENCH_OUT:-proctor-out/bench-judge}"
STORE="$OUT/store.sqlite"
JUDGE=local:smollm2-135m-instruct
[[ -x "$BIN" ]] || { echo "build first: swift build -c release --product proctor" >&2; exit 2; }
# FRESH=1 starts from an empty store; otherwise a re-run continues from what the store holds.
[[ -n "${FRESH:-}" ]] && rm -rf "$OUT"
mkdir -p "$OUT"
echo "# Judge batch vs single: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
"$BIN" ift --data "$DATA/instruction-data.json" --model local:smollm2-135m-instruct --model local:gemma3-270m \
    --judge "$JUDGE" --out "$OUT/ift" --store "$STORE" --quiet
# The book's prompt and scale; replies capped at 128 tokens (a batch reply is a JSON object of
# three scores; a small judge otherwise rambles to the default 1,024).
printf 'prompts: book\nscale: {min: 0, max: 100}\nmax_tokens: 128\ntemperature: 0\nseed: 0\n' > "$OUT/judge.yaml"
answers=(--answers "$DATA/instruction-data-with-response.json"
    --answers "$OUT/ift/smollm2-135m-instruct-responses.json" --answers "$OUT/ift/gemma3-270m-responses.json")
for mode in single batch; do
    echo; echo "## --mode $mode"
    start=$(date +%s.%N)
    "$BIN" judge run "${answers[@]}" --judge "$JUDGE" --config "$OUT/judge.yaml" --mode "$mode" --store "$STORE" \
        --out "$OUT/$mode" | tee "$OUT/$mode.log"
    echo "wall: $(echo "$(date +%s.%N) - $start" | bc -l | xargs printf '%.1f') s"
done
echo; echo "## Both runs in one store"
"$BIN" runs --store "$STORE"
