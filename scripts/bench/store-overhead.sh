#!/usr/bin/env bash
# Store overhead: wall time of a 10,000-request IFT run (5,000 items: 5,000 answers and 5,000
# judge calls) against the scripted OpenAI-compatible server on 127.0.0.1, recording into a
# fresh SQLite store versus `--store none`, at each server latency in LATENCIES (ms per
# answer; 0 is an instant server). Release build; runs alternate, REPEATS of each, medians.
# Also prints the client's CPU per request, and the store alone (proctor-store-bench: the
# same cache path over an instant in-process model, no HTTP).
set -euo pipefail
cd "$(dirname "$0")/../.."
ITEMS="${ITEMS:-5000}"
REPEATS="${REPEATS:-3}"
CONCURRENCY="${CONCURRENCY:-8}"
LATENCIES="${LATENCIES:-0 1 2 5}"
LOG="${TMPDIR:-/tmp}/store-overhead-build.log"
for product in proctor proctor-scripted-server proctor-store-bench; do
    swift build -c release --product "$product" >> "$LOG" 2>&1 || { tail -20 "$LOG" >&2; exit 1; }
done
BIN=.build/release
WORK="$(mktemp -d)"
SERVER=""
stop_server() { [[ -n "$SERVER" ]] && { exec 3>&-; wait "$SERVER" 2>/dev/null || true; SERVER=""; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
python3 - "$ITEMS" > "$WORK/data.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{"instruction": f"Question {i}?", "input": "", "output": f"A{i}"} for i in range(n)]))
PY

start_server() { # latency in ms
    rm -f "$WORK/port" "$WORK/stdin"
    mkfifo "$WORK/stdin"
    SCRIPTED_LATENCY_MS="$1" "$BIN/proctor-scripted-server" "$WORK/port" < "$WORK/stdin" > "$WORK/server.log" &
    SERVER=$!
    exec 3> "$WORK/stdin"
    for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
    URL="http://127.0.0.1:$(cat "$WORK/port")/v1"
}

run() { # store argument; prints "wall cpu" in seconds (cpu: the proctor process, user + system)
    rm -f "$WORK"/store.sqlite*
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$BIN/proctor" ift --data "$WORK/data.json" --split all \
        --model "$URL#m" --judge "$URL#j" --concurrency "$CONCURRENCY" --out "$WORK/out" --quiet \
        --store "$1" > "$WORK/last.log" 2>&1 || { cat "$WORK/last.log" >&2; exit 1; }
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

REQUESTS=$((2 * ITEMS))
echo "# Store overhead: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $REQUESTS requests, concurrency $CONCURRENCY"
echo
echo "| server latency | --store none: runs (s) | SQLite store: runs (s) | median none | median SQLite | overhead | client CPU per request, none / SQLite |"
echo "| ---: | --- | --- | ---: | ---: | ---: | ---: |"
for latency in $LATENCIES; do
    start_server "$latency"
    none=(); recorded=(); cpu_none=(); cpu_recorded=()
    for _ in $(seq 1 "$REPEATS"); do
        read -r wall cpu < <(run none); none+=("$wall"); cpu_none+=("$cpu")
        read -r wall cpu < <(run "$WORK/store.sqlite"); recorded+=("$wall"); cpu_recorded+=("$cpu")
    done
    stop_server
    n=$(printf '%s\n' "${none[@]}" | median); r=$(printf '%s\n' "${recorded[@]}" | median)
    cn=$(printf '%s\n' "${cpu_none[@]}" | median); cr=$(printf '%s\n' "${cpu_recorded[@]}" | median)
    overhead=$(echo "($r - $n) / $n * 100" | bc -l | xargs printf '%.1f')
    per_none=$(echo "$cn / $REQUESTS * 1000000" | bc -l | xargs printf '%.0f')
    per_recorded=$(echo "$cr / $REQUESTS * 1000000" | bc -l | xargs printf '%.0f')
    echo "| $latency ms | ${none[*]} | ${recorded[*]} | $n | $r | $overhead% | $per_none / $per_recorded us |"
done
echo
echo "The store alone (instant in-process model, $REQUESTS requests, $((2 * CONCURRENCY)) callers):"
echo '```'
"$BIN/proctor-store-bench" "$REQUESTS" $((2 * CONCURRENCY)) "$WORK/alone.sqlite"
echo '```'
