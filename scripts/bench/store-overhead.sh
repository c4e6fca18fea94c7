#!/usr/bin/env bash
# Store overhead: wall time of a 10,000-request IFT run (5,000 items: 5,000 answers and 5,000
# judge calls) against a scripted OpenAI-compatible server on 127.0.0.1, with recording into
# the SQLite store versus with `--store none`. Release build; three runs each, medians.
# SCRIPTED_LATENCY_MS=20 makes the server answer after 20 ms, like a fast model.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITEMS="${ITEMS:-5000}"
REPEATS="${REPEATS:-3}"
CONCURRENCY="${CONCURRENCY:-8}"
swift build -c release --product proctor > "${TMPDIR:-/tmp}/store-overhead-build.log" 2>&1 \
    && swift build -c release --product proctor-scripted-server >> "${TMPDIR:-/tmp}/store-overhead-build.log" 2>&1 \
    || { tail -20 "${TMPDIR:-/tmp}/store-overhead-build.log" >&2; exit 1; }
BIN=.build/release
[[ -x "$BIN/proctor" && -x "$BIN/proctor-scripted-server" ]] || { echo "release build missing" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; kill %1 2>/dev/null || true' EXIT
python3 - "$ITEMS" > "$WORK/data.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{"instruction": f"Question {i}?", "input": "", "output": f"A{i}"} for i in range(n)]))
PY
mkfifo "$WORK/stdin"
"$BIN/proctor-scripted-server" "$WORK/port" < "$WORK/stdin" > "$WORK/server.log" &
exec 3> "$WORK/stdin"
for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")/v1"

run() { # store argument; prints seconds
    local start end
    start=$(date +%s.%N)
    "$BIN/proctor" ift --data "$WORK/data.json" --split all --model "$URL#m" --judge "$URL#j" \
        --concurrency "$CONCURRENCY" --out "$WORK/out" --quiet --store "$1" > "$WORK/last.log" 2>&1 \
        || { cat "$WORK/last.log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

none=(); recorded=()
for i in $(seq 1 "$REPEATS"); do
    none+=("$(run none)")
    recorded+=("$(run "$WORK/store-$i.sqlite")")
done
n=$(printf '%s\n' "${none[@]}" | median)
r=$(printf '%s\n' "${recorded[@]}" | median)
echo "# Store overhead: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $((2 * ITEMS)) requests, concurrency $CONCURRENCY, server latency ${SCRIPTED_LATENCY_MS:-0} ms"
echo "| mode | runs (s) | median s |"
echo "| --- | --- | ---: |"
echo "| --store none | ${none[*]} | $n |"
echo "| SQLite store (fresh file each run) | ${recorded[*]} | $r |"
echo
echo "overhead: $(echo "($r - $n) / $n * 100" | bc -l | xargs printf '%.1f')%"
