#!/usr/bin/env bash
# IFT benchmark: `proctor ift` on the book's instruction data (110 test items) with SmolLM2 as
# model and judge, in-process, next to the same generation served by llama-cpp-python's own
# OpenAI-compatible server on the same GGUF (same threads, greedy, same client flow).
#
# Usage: scripts/bench/ift-vs-llama-cpp-server.sh [DATA]   (default ../shared/data/alpaca-raschka/instruction-data.json)
# Needs: a release build (`swift build -c release`) and `proctor runtime install`.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-../shared/data/alpaca-raschka/instruction-data.json}"
BIN=.build/release/proctor
RT="${PROCTOR_RUNTIME_DIR:-$PWD/.proctor-runtime}"
OUT="${BENCH_OUT:-proctor-out/bench-ift}"
PORT="${BENCH_PORT:-18080}"
THREADS="${BENCH_THREADS:-$(nproc)}"
[[ -x "$BIN" ]] || { echo "build first: swift build -c release" >&2; exit 2; }
[[ -f "$DATA" ]] || { echo "data not found: $DATA" >&2; exit 2; }
# shellcheck disable=SC1090
source <(grep -E '^(PYTHON|MODEL_SMOLLM2_135M_INSTRUCT)=' "$RT/runtime.env")
SMOL="$MODEL_SMOLLM2_135M_INSTRUCT"
rm -rf "$OUT"; mkdir -p "$OUT"

row() { # label, folder, wall seconds
    "$PYTHON" - "$1" "$2/summary.json" "$3" <<'PY'
import json, sys
label, path, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
r = json.load(open(path))["rows"][0]
mean = "n/a" if r["meanScore"] is None else f'{r["meanScore"]:.1f}'
ci = "n/a" if r["ciLower"] is None else f'{r["ciLower"]:.1f}-{r["ciUpper"]:.1f}'
print(f'| {label} | {wall:.1f} | {r["generationSeconds"]:.1f} | {r["generatedTokens"]} | '
      f'{r["tokensPerSecond"]:.1f} | {r["scored"]} of {r["total"]} | {mean} | {ci} |')
PY
}

run_ift() { # label, model spec, extra args...
    local label=$1 spec=$2; shift 2
    local dir="$OUT/$label" start end
    start=$(date +%s.%N)
    # A fresh store per run: answers are recorded (the default), none come from a cache.
    "$BIN" ift --data "$DATA" --model "$spec" --judge local:smollm2-135m-instruct --out "$dir" --quiet \
        --store "$OUT/$label.sqlite" "$@" \
        > "$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
    end=$(date +%s.%N)
    row "$label" "$dir" "$(echo "$end - $start" | bc -l)"
}

echo "# IFT benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "data: $DATA; model and judge: SmolLM2-135M-Instruct Q4_1 ($SMOL); threads: $THREADS"
echo
echo "| run | wall s | generation s | generated tokens | gen tok/s | scored | mean | 95% CI |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
run_ift in-process-chat local:smollm2-135m-instruct
run_ift in-process-raw local:smollm2-135m-instruct --prompt-style raw

"$PYTHON" -m llama_cpp.server --model "$SMOL" --host 127.0.0.1 --port "$PORT" --n_ctx 4096 \
    --n_threads "$THREADS" --n_threads_batch "$THREADS" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/v1/models" > /dev/null && break
    sleep 0.5
done
run_ift llama-cpp-server-chat "http://127.0.0.1:$PORT/v1#smollm2" --concurrency 1
run_ift llama-cpp-server-raw "http://127.0.0.1:$PORT/v1#smollm2" --concurrency 1 --prompt-style raw

# Same prompts in raw mode: how many greedy answers are identical between the two engines?
"$PYTHON" - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
a = json.load(open(f"{out}/in-process-raw/smollm2-135m-instruct-responses.json"))
b = json.load(open(f"{out}/llama-cpp-server-raw/smollm2-responses.json"))
same = sum(x["model_response"] == y["model_response"] for x, y in zip(a, b))
print(f"\nraw mode: {same} of {len(a)} greedy answers identical between in-process and llama-cpp-python's server")
PY
