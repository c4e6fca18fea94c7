#!/usr/bin/env bash
# Parity of `proctor score` with the reference Python packages (rouge-score, sacrebleu, nltk,
# scikit-learn, jsonschema) on 11,050 prediction/reference pairs built from ../shared/data.
# Usage: scripts/parity/metrics-parity.sh [DATA_DIR]   (default: ../shared/data)
# Prints a table: per metric, the number of per-item values compared, the largest absolute
# difference, and how many values differ by more than 1e-6. Exit status 1 when any differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA_DIR="${1:-../shared/data}"
VENV="${PYREF_METRICS:-/work/pyref-metrics}"
SCRATCH=.build-metrics
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q rouge-score==0.1.2 sacrebleu==2.6.0 nltk==3.10.4 scikit-learn==1.9.1 jsonschema==4.26.0
fi
"$VENV/bin/pip" list 2>/dev/null | grep -iE '^(rouge.score|sacrebleu|nltk|scikit-learn|jsonschema) ' || true
WORK="$(mktemp -d /tmp/proctor-metrics-parity.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
nice -n 10 swift build -c release --scratch-path "$SCRATCH" --product proctor >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log"; exit 1; }
PROCTOR="$SCRATCH/release/proctor"
"$VENV/bin/python" scripts/parity/metrics_reference.py build "$DATA_DIR" "$WORK"
nice -n 10 "$VENV/bin/python" scripts/parity/metrics_reference.py score "$WORK"
TEXT_METRICS=exact_match,f1,rouge1,rouge2,rougeL,bleu,nltk_bleu,chrf
nice -n 10 "$PROCTOR" score --metric "$TEXT_METRICS" --data "$WORK/pairs.jsonl" \
    --prediction-field prediction --reference-field reference --per-item --format json >"$WORK/swift-text.json"
nice -n 10 "$PROCTOR" score --metric classification --data "$WORK/pairs.jsonl" \
    --prediction-field prediction_label --reference-field reference_label --per-item --format json \
    >"$WORK/swift-labels.json"
nice -n 10 "$PROCTOR" score --metric json_valid,json_schema --schema "$WORK/json-schema.json" \
    --data "$WORK/json-outputs.jsonl" --prediction-field output --per-item --format json >"$WORK/swift-json.json"
"$VENV/bin/python" scripts/parity/metrics_reference.py compare "$WORK"
