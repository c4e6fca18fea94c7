#!/usr/bin/env bash
# Benchmark speed and correctness (issue: Benchmarks): Proctor's in-process engine against an
# independent llama-cpp-python reference (scripts/parity/reference-loglik.py) on SmolLM2.
#
#   scripts/bench/benchmarks-vs-reference.sh [DATA_DIR]      (default ../shared/data)
#
# Needs a release build (swift build -c release --product proctor) and `proctor runtime install`.
# Prints, per task: Proctor's wall time and evaluated/plain tokens, then the comparison with the
# reference (accuracy difference in points, share of identical per-item predictions).
# LIMITS overrides the per-task document limits, e.g. LIMITS="arc_easy:0 piqa:300".
set -euo pipefail
DATA="${1:-../shared/data}"
BIN=.build/release/proctor
OUT="${BENCH_OUT:-proctor-out/bench-benchmarks}"
PY=.proctor-runtime/venv/bin/python
GGUF=$(grep '^MODEL_SMOLLM2_135M_INSTRUCT=' .proctor-runtime/runtime.env | cut -d= -f2)
MODEL=local:smollm2-135m-instruct
LIMITS="${LIMITS:-arc_easy:0 piqa:300 truthfulqa_mc1:100 truthfulqa_mc2:100 mmlu:0}"
SUBJECTS=abstract_algebra,anatomy,astronomy
[[ -x "$BIN" ]] || { echo "build first: swift build -c release --product proctor" >&2; exit 2; }
mkdir -p "$OUT"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for spec in $LIMITS; do
    task=${spec%%:*}; limit=${spec##*:}
    args=(--limit "$limit"); [[ "$limit" == 0 ]] && args=()
    tasks=$task; refargs=(--task "$task")
    if [[ $task == mmlu ]]; then
        tasks=$(echo "$SUBJECTS" | sed 's/\([a-z_]*\)/mmlu_\1/g'); refargs=(--task mmlu --subjects "$SUBJECTS")
    fi
    "$BIN" run --model "$MODEL" --tasks "$tasks" --data-dir "$DATA" --store none --quiet --out "$OUT/$task" \
        "${args[@]}" | grep documents
    "$PY" scripts/parity/reference-loglik.py --model "$GGUF" "${refargs[@]}" --data-dir "$DATA" \
        --limit "$limit" --out "$OUT/ref-$task.jsonl"
    cat "$OUT/$task"/samples_*.jsonl > "$OUT/proctor-$task.jsonl"
    python3 scripts/parity/compare-loglik.py "$OUT/proctor-$task.jsonl" "$OUT/ref-$task.jsonl"
done
head -c 100000 "$DATA/alpaca-raschka/instruction-data.json" > "$OUT/text-100k.txt"
"$BIN" loss --model "$MODEL" --text "$OUT/text-100k.txt" --window 4096 --format json
"$PY" scripts/parity/reference-loglik.py --model "$GGUF" --loss "$OUT/text-100k.txt" --window 4096
