#!/usr/bin/env bash
# Zero-shot ARC-Easy (the 428 questions of ../shared/data/arc/ARC-Easy-Dev.jsonl) on
# SmolLM2-135M-Instruct, in one run: Proctor's in-process engine, then lm-evaluation-harness
# (`lm_eval --model gguf`) against llama-cpp-python's own OpenAI-compatible server on the same
# GGUF file and the same number of threads. Prints both wall times, the ratio and both scores.
#
#   LM_EVAL_VENV=/tmp/lmeval scripts/bench/arc-vs-lm-eval.sh [DATA_DIR]
#
# Needs a release build, `proctor runtime install` (whose venv has llama-cpp-python and its
# server), and lm-eval in a separate virtual environment outside the checkout:
#   python3 -m venv /tmp/lmeval && /tmp/lmeval/bin/pip install "lm-eval[api]==0.4.13"
# LIMIT=N runs the first N questions only (a quick check; the benchmark is all 428).
# LM_EVAL_CPUS=1 pins llama-cpp-python's server and lm_eval to that CPU list (taskset) with
# one server thread per CPU in it, so other work can run on the remaining CPUs meanwhile;
# Proctor's run comes first and uses all CPUs.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$(cd "${1:-../shared/data}" && pwd)"
LM_EVAL_VENV="${LM_EVAL_VENV:?set LM_EVAL_VENV to a virtual environment with lm-eval[api]==0.4.13}"
BIN=.build/release/proctor
RT="${PROCTOR_RUNTIME_DIR:-$PWD/.proctor-runtime}"
OUT="${BENCH_OUT:-proctor-out/bench-arc-vs-lm-eval}"
PORT="${BENCH_PORT:-18091}"
THREADS="${BENCH_THREADS:-$(nproc)}"
[[ -x "$BIN" ]] || { echo "build first: swift build -c release --product proctor" >&2; exit 2; }
[[ -x "$LM_EVAL_VENV/bin/lm_eval" ]] || { echo "no lm_eval in $LM_EVAL_VENV" >&2; exit 2; }
# shellcheck disable=SC1090
source <(grep -E '^(PYTHON|MODEL_SMOLLM2_135M_INSTRUCT)=' "$RT/runtime.env")
rm -rf "$OUT"; mkdir -p "$OUT/tasks"
limit=(); [[ -n "${LIMIT:-}" ]] && limit=(--limit "$LIMIT")
now() { date +%s.%N; }

echo "# ARC-Easy vs lm-eval: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
start=$(now)
PROCTOR_LLAMA_THREADS="$THREADS" "$BIN" run --model local:smollm2-135m-instruct --tasks arc_easy --data-dir "$DATA" \
    --store none --quiet --out "$OUT/proctor" "${limit[@]}" | tee "$OUT/proctor.log"
proctor_s=$(echo "$(now) - $start" | bc -l)

pin=()
if [[ -n "${LM_EVAL_CPUS:-}" ]]; then
    pin=(taskset -c "$LM_EVAL_CPUS")
    THREADS=$(taskset -c "$LM_EVAL_CPUS" nproc)
fi
echo "lm_eval and the server: threads $THREADS${LM_EVAL_CPUS:+, pinned to CPUs $LM_EVAL_CPUS}"
sed "s|__ARC_EASY_DEV__|$DATA/arc/ARC-Easy-Dev.jsonl|" scripts/bench/lm-eval-tasks/arc_easy_dev_local.yaml \
    > "$OUT/tasks/arc_easy_dev_local.yaml"
"${pin[@]}" "$PYTHON" -m llama_cpp.server --model "$MODEL_SMOLLM2_135M_INSTRUCT" --host 127.0.0.1 --port "$PORT" \
    --n_ctx 2048 --n_threads "$THREADS" --n_threads_batch "$THREADS" > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/v1/models" > /dev/null && break; sleep 0.2; done
start=$(now)
HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "${pin[@]}" "$LM_EVAL_VENV/bin/lm_eval" --model gguf \
    --model_args "base_url=http://127.0.0.1:$PORT" --tasks arc_easy_dev_local --include_path "$OUT/tasks" \
    --output_path "$OUT/lm-eval" --log_samples "${limit[@]}" > "$OUT/lm-eval.log" 2>&1 \
    || { tail -30 "$OUT/lm-eval.log" >&2; exit 1; }
lm_eval_s=$(echo "$(now) - $start" | bc -l)
grep -E "^\|" "$OUT/lm-eval.log" || true

python3 - "$OUT" "$proctor_s" "$lm_eval_s" <<'PY'
import glob, json, sys
out, proctor_s, lm_eval_s = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
p = json.load(open(glob.glob(f"{out}/proctor/results*.json")[0]))["results"]["arc_easy"]
l = json.load(open(glob.glob(f"{out}/lm-eval/**/results*.json", recursive=True)[0]))["results"]["arc_easy_dev_local"]
print()
print("| run | wall s | acc | acc_norm |")
print("| --- | ---: | ---: | ---: |")
print(f'| proctor run (in-process) | {proctor_s:.1f} | {p["acc,none"]:.4f} | {p["acc_norm,none"]:.4f} |')
print(f'| lm_eval --model gguf (llama-cpp-python server) | {lm_eval_s:.1f} | {l["acc,none"]:.4f} | {l["acc_norm,none"]:.4f} |')
print(f"\nProctor is {lm_eval_s / proctor_s:.1f}x faster")
PY
