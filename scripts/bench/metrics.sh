#!/usr/bin/env bash
# Speed of `proctor score` against the reference Python packages on the parity corpus
# (11,050 prediction/reference pairs from ../shared/data, all 11 metrics, one core each side).
# Usage: scripts/bench/metrics.sh [DATA_DIR]   (default: ../shared/data)
# Prints wall and CPU (user+sys) seconds for each side and the Python/Swift ratios. CPU time is
# the fairer number on a shared machine; both sides run single-threaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA_DIR="${1:-../shared/data}"
VENV="${PYREF_METRICS:-/work/pyref-metrics}"
SCRATCH=.build-metrics
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q rouge-score==0.1.2 sacrebleu==2.6.0 nltk==3.10.4 scikit-learn==1.9.1 jsonschema==4.26.0
fi
WORK="$(mktemp -d /tmp/proctor-metrics-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
nice -n 10 swift build -c release --scratch-path "$SCRATCH" --product proctor >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log"; exit 1; }
PROCTOR="$SCRATCH/release/proctor"
"$VENV/bin/python" scripts/parity/metrics_reference.py build "$DATA_DIR" "$WORK" >/dev/null

measure() {  # measure NAME COMMAND... → appends "NAME wall cpu" to $WORK/times
    local name=$1
    shift
    /usr/bin/time -f "$name %e %U %S" -a -o "$WORK/times" "$@" >/dev/null
}
swift_all() {
    "$PROCTOR" score --metric exact_match,f1,rouge1,rouge2,rougeL,bleu,nltk_bleu,chrf --data "$WORK/pairs.jsonl" \
        --prediction-field prediction --reference-field reference --per-item --format json >/dev/null
    "$PROCTOR" score --metric classification --data "$WORK/pairs.jsonl" --prediction-field prediction_label \
        --reference-field reference_label --per-item --format json >/dev/null
    "$PROCTOR" score --metric json_valid,json_schema --schema "$WORK/json-schema.json" \
        --data "$WORK/json-outputs.jsonl" --prediction-field output --per-item --format json >/dev/null
}
export -f swift_all
export PROCTOR WORK
measure python nice -n 10 "$VENV/bin/python" scripts/parity/metrics_reference.py score "$WORK"
for run in 1 2 3; do measure "swift-$run" nice -n 10 bash -c swift_all; done
python3 - "$WORK/times" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip() and not line.startswith("Command")]
times = {name: (float(wall), float(user) + float(system)) for name, wall, user, system in rows}
py_wall, py_cpu = times["python"]
swift = [v for k, v in times.items() if k.startswith("swift")]
sw_wall = min(w for w, _ in swift)
sw_cpu = min(c for _, c in swift)
print("| side | wall s | CPU s (user+sys) |")
print("|---|---|---|")
print(f"| Python (rouge-score, sacrebleu, nltk, scikit-learn, jsonschema) | {py_wall:.2f} | {py_cpu:.2f} |")
print(f"| proctor score (release, best of 3) | {sw_wall:.2f} | {sw_cpu:.2f} |")
print(f"| ratio Python / Swift | {py_wall / sw_wall:.1f}x | {py_cpu / sw_cpu:.1f}x |")
PY
