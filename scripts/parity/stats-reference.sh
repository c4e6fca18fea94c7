#!/usr/bin/env bash
# Regenerates Tests/ProctorCoreTests/StatisticsReferenceValues.swift from SciPy and statsmodels
# (seeded data sets and the reference outputs on them), then runs the Swift statistics tests
# that check Proctor against those values.
# Usage: scripts/parity/stats-reference.sh        (venv at $PYREF_STATS, default /work/pyref-stats)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${PYREF_STATS:-/work/pyref-stats}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q numpy==2.4.6 scipy==1.17.1 statsmodels==0.15.0
fi
"$VENV/bin/pip" list 2>/dev/null | grep -iE '^(numpy|scipy|statsmodels) ' || true
"$VENV/bin/python" scripts/parity/stats-reference.py
git diff --stat -- Tests/ProctorCoreTests/StatisticsReferenceValues.swift
nice -n 10 swift test --scratch-path .build-stats \
    --filter 'CorrelationTests|AgreementTests|PairedTestsTests|IntervalTests'
