#!/usr/bin/env bash
# GSM8K 5-shot on 50 questions, end to end (generation until "Question:", "#### N" and
# last-number extraction, exact match), with SmolLM2-135M-Instruct in-process.
#
#   scripts/bench/gsm8k-5shot.sh [DATA_DIR]        (default ../shared/data)
#
# The built-in task draws its five examples from gsm8k/train.jsonl, as lm-eval does. Where the
# data folder has no train file (../shared/data carries only test.jsonl and this machine cannot
# download it), the examples come from the test questions after the first 50, which are not
# evaluated: the flow is the same, the examples differ from lm-eval's.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-../shared/data}"
N="${N:-50}"
BIN=.build/release/proctor
OUT="${BENCH_OUT:-proctor-out/bench-gsm8k}"
[[ -x "$BIN" ]] || { echo "build first: swift build -c release --product proctor" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT/data/gsm8k"
head -n "$N" "$DATA/gsm8k/test.jsonl" > "$OUT/data/gsm8k/test.jsonl"
if [[ -f "$DATA/gsm8k/train.jsonl" ]]; then
    cp "$DATA/gsm8k/train.jsonl" "$OUT/data/gsm8k/train.jsonl"; pool="train.jsonl"
else
    tail -n "+$((N + 1))" "$DATA/gsm8k/test.jsonl" > "$OUT/data/gsm8k/train.jsonl"; pool="test.jsonl after line $N"
fi
echo "# GSM8K 5-shot: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; $N questions; few-shot pool: $pool"
start=$(date +%s.%N)
"$BIN" run --model local:smollm2-135m-instruct --tasks gsm8k --data-dir "$OUT/data" --store none --out "$OUT/run"
echo "wall: $(echo "$(date +%s.%N) - $start" | bc -l | xargs printf '%.1f') s"
python3 - "$OUT/run" <<'PY'
import glob, json, sys
rows = [json.loads(l) for f in glob.glob(f"{sys.argv[1]}/samples_*.jsonl") for l in open(f)]
print(f"{len(rows)} samples; first two extracted answers vs targets:")
for r in rows[:2]:
    print(" ", json.dumps(r.get("filtered_resps"))[:120], "| target:", str(r.get("target"))[-20:].replace("\n", " "))
PY
