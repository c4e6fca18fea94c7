#!/usr/bin/env python3
"""Compares Proctor's per-sample file with reference-loglik.py's output, document by document.

    compare-loglik.py proctor-out/samples_arc_easy.jsonl ref.jsonl [--metric acc]
Prints both accuracies, the difference in points, the share of identical predictions and the
largest log-likelihood difference.
"""
import json
import sys

proctor = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
reference = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
n = min(len(proctor), len(reference))
same = same_norm = 0
acc_p = acc_r = norm_p = norm_r = mc2_p = mc2_r = 0.0
worst = 0.0
for p, r in zip(proctor[:n], reference[:n]):
    lls = p["loglikelihoods"]
    pred = max(range(len(lls)), key=lambda i: lls[i])
    same += pred == r["prediction"]
    acc_p += p["metrics"].get("acc", 0.0)
    acc_r += r["acc"]
    norm_p += p["metrics"].get("acc_norm", 0.0)
    norm_r += r["acc_norm"]
    mc2_p += p["metrics"].get("acc", 0.0) if "mc2" not in r else p["metrics"].get("acc", 0.0)
    mc2_r += r.get("mc2", 0.0)
    worst = max(worst, max(abs(a - b) for a, b in zip(lls, r["loglikelihoods"])))
print(json.dumps({
    "documents": n,
    "proctor_acc": round(acc_p / n, 4), "reference_acc": round(acc_r / n, 4),
    "acc_diff_points": round(100 * (acc_p - acc_r) / n, 2),
    "proctor_acc_norm": round(norm_p / n, 4), "reference_acc_norm": round(norm_r / n, 4),
    "identical_predictions": round(same / n, 4),
    "reference_mc2": round(mc2_r / n, 4) if any("mc2" in r for r in reference) else None,
    "max_loglikelihood_diff": round(worst, 4),
}))
