#!/usr/bin/env python3
"""Reference values for Proctor's statistics, from SciPy and statsmodels.

Generates seeded data sets, runs the reference implementations on them, and writes both the
inputs and the expected outputs as Swift literals to
Tests/ProctorCoreTests/StatisticsReferenceValues.swift (committed; the Swift tests need no Python).

    bash scripts/parity/stats-reference.sh          # creates /work/pyref-stats, then runs this
    /work/pyref-stats/bin/python scripts/parity/stats-reference.py
"""

import math
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats import contingency_tables, inter_rater

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "ProctorCoreTests", "StatisticsReferenceValues.swift")


def lit(x):
    """A Swift Double literal (NaN as .nan)."""
    x = float(x)
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return ".infinity" if x > 0 else "-.infinity"
    return repr(x)


def arr(xs):
    return "[" + ", ".join(lit(x) for x in xs) + "]"


def iarr(xs):
    return "[" + ", ".join(str(int(x)) for x in xs) + "]"


# ---------------------------------------------------------------------------------------------
# Correlation


def correlation_cases(rng):
    cases = []

    def add(name, x, y):
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        p = stats.pearsonr(x, y)
        ci = p.confidence_interval(0.95)
        s = stats.spearmanr(x, y)
        k = stats.kendalltau(x, y)
        cases.append(
            f"""        CorrelationCase(
            name: "{name}", x: {arr(x)},
            y: {arr(y)},
            pearson: ({lit(p.statistic)}, {lit(p.pvalue)}, {lit(ci.low)}, {lit(ci.high)}),
            spearman: ({lit(s.statistic)}, {lit(s.pvalue)}), kendall: ({lit(k.statistic)}, {lit(k.pvalue)}))"""
        )

    x = rng.normal(size=30)
    add("continuous n=30 (Kendall exact)", x, 0.5 * x + rng.normal(size=30))
    x = rng.normal(size=60)
    add("continuous n=60 (Kendall asymptotic)", x, -0.3 * x + rng.normal(size=60))
    x = rng.integers(1, 6, size=40)
    add("ordinal 1-5 with ties n=40", x, np.clip(x + rng.integers(-1, 2, size=40), 1, 5))
    x = rng.integers(0, 4, size=9)
    add("small with ties n=9", x, x + rng.integers(0, 3, size=9))
    x = rng.integers(0, 101, size=200)
    add("judge scores 0-100 n=200", x, np.clip(x + rng.normal(0, 25, size=200).round(), 0, 100))
    x = rng.normal(size=12)
    add("weak n=12 (Kendall exact)", x, rng.normal(size=12))
    return cases


# ---------------------------------------------------------------------------------------------
# Cohen's kappa


def kappa_cases(rng):
    cases = []

    def add(name, a, b, weights):
        cats = sorted(set(a) | set(b))
        index = {c: i for i, c in enumerate(cats)}
        table = np.zeros((len(cats), len(cats)))
        for u, v in zip(a, b):
            table[index[u], index[v]] += 1
        wt = None if weights == "none" else weights
        r = inter_rater.cohens_kappa(table, wt=wt) if wt else inter_rater.cohens_kappa(table)
        cases.append(
            f"""        KappaCase(
            name: "{name}", weights: .{weights}, a: {iarr(a)},
            b: {iarr(b)},
            kappa: {lit(r.kappa)}, standardError: {lit(r.std_kappa)}, lower: {lit(r.kappa_low)},
            upper: {lit(r.kappa_upp)})"""
        )

    a = rng.integers(0, 2, size=100)
    b = np.where(rng.random(100) < 0.8, a, 1 - a)
    add("binary n=100", a, b, "none")
    a = rng.integers(0, 4, size=150)
    b = np.where(rng.random(150) < 0.6, a, rng.integers(0, 4, size=150))
    add("4 categories n=150", a, b, "none")
    a = rng.integers(1, 6, size=120)
    b = np.clip(a + rng.integers(-1, 2, size=120), 1, 5)
    add("ordinal 1-5 n=120 linear", a, b, "linear")
    add("ordinal 1-5 n=120 quadratic", a, b, "quadratic")
    add("ordinal 1-5 n=120 nominal", a, b, "none")
    return cases


# ---------------------------------------------------------------------------------------------
# Paired tests: McNemar (exact), Wilcoxon signed-rank (SciPy defaults), paired t


def paired_cases(rng):
    cases = []

    def add(name, a, b, binary):
        a = np.asarray(a, float)
        b = np.asarray(b, float)
        if binary:
            table = np.array(
                [[np.sum((a == 1) & (b == 1)), np.sum((a == 1) & (b == 0))],
                 [np.sum((a == 0) & (b == 1)), np.sum((a == 0) & (b == 0))]]
            )
            m = contingency_tables.mcnemar(table, exact=True)
            mcnemar = f"({lit(m.statistic)}, {lit(m.pvalue)})"
        else:
            mcnemar = "nil"
        d = b - a
        if np.all(d == 0):
            w = "(.nan, .nan)"
        else:
            r = stats.wilcoxon(a, b)
            w = f"({lit(r.statistic)}, {lit(r.pvalue)})"
        t = stats.ttest_rel(b, a)
        cases.append(
            f"""        PairedCase(
            name: "{name}", a: {arr(a)},
            b: {arr(b)},
            mcnemar: {mcnemar}, wilcoxon: {w}, pairedT: ({lit(t.statistic)}, {lit(t.pvalue)}))"""
        )

    for n, pa, pb in [(200, 0.6, 0.66), (60, 0.5, 0.5), (1000, 0.7, 0.72), (25, 0.4, 0.7)]:
        base = rng.random(n)
        a = (base < pa).astype(float)
        b = np.where(rng.random(n) < 0.7, a, (rng.random(n) < pb).astype(float))
        if n == 25:
            b = np.where(rng.random(n) < 0.5, 1.0, a)
        add(f"binary n={n}", a, b, True)
    a = rng.normal(50, 10, size=20)
    add("continuous n=20 (exact)", a, a + rng.normal(2, 3, size=20), False)
    a = rng.normal(50, 10, size=45)
    add("continuous n=45 (exact)", a, a + rng.normal(0.5, 3, size=45), False)
    a = rng.normal(50, 10, size=80)
    add("continuous n=80 (normal)", a, a + rng.normal(1, 4, size=80), False)
    a = rng.integers(0, 11, size=12) * 10.0
    add("scores with ties and zeros n=12 (permutation)", a, np.clip(a + rng.integers(-2, 3, size=12) * 10, 0, 100),
        False)
    a = rng.integers(0, 11, size=150) * 10.0
    add("scores with ties and zeros n=150 (normal)", a, np.clip(a + rng.integers(-2, 4, size=150) * 10, 0, 100),
        False)
    a = rng.integers(0, 101, size=40).astype(float)
    add("judge scores with ties n=40 (normal)", a, np.clip(a + rng.integers(-5, 8, size=40), 0, 100), False)
    return cases


# ---------------------------------------------------------------------------------------------
# Intervals for a mean: normal (CLT), bootstrap (percentile, BCa), cluster-robust


def interval_cases(rng):
    from statsmodels.regression.linear_model import OLS
    from statsmodels.stats.weightstats import DescrStatsW

    cases = []

    def add(name, values, clusters):
        values = np.asarray(values, float)
        clt = DescrStatsW(values).zconfint_mean(0.05)
        se = DescrStatsW(values).std_mean
        boots = {}
        for method in ["percentile", "BCa"]:
            r = stats.bootstrap((values,), np.mean, confidence_level=0.95, n_resamples=50000, method=method,
                                rng=np.random.default_rng(7))
            boots[method] = (r.confidence_interval.low, r.confidence_interval.high, r.standard_error)
        fit = OLS(values, np.ones(len(values))).fit(cov_type="cluster", cov_kwds={"groups": clusters})
        ci = fit.conf_int(0.05)[0]
        cases.append(
            f"""        IntervalCase(
            name: "{name}", values: {arr(values)},
            clusters: {iarr(clusters)},
            normal: ({lit(values.mean())}, {lit(se)}, {lit(clt[0])}, {lit(clt[1])}),
            percentile: ({lit(boots["percentile"][0])}, {lit(boots["percentile"][1])}, {lit(boots["percentile"][2])}),
            bca: ({lit(boots["BCa"][0])}, {lit(boots["BCa"][1])}),
            clustered: ({lit(fit.bse[0])}, {lit(ci[0])}, {lit(ci[1])}))"""
        )

    # Accuracy over 12 "subjects" whose difficulty differs, so clustering matters.
    clusters = np.repeat(np.arange(12), 25)
    difficulty = rng.uniform(0.3, 0.9, size=12)
    add("binary accuracy, 12 clusters of 25", (rng.random(300) < difficulty[clusters]).astype(float), clusters)
    clusters = rng.integers(0, 30, size=400)
    add("judge scores, 30 uneven clusters", np.clip(rng.normal(60, 20, size=400).round(), 0, 100), clusters)
    clusters = np.repeat(np.arange(8), 6)
    add("skewed small n=48", rng.exponential(2.0, size=48), clusters)
    return cases


# ---------------------------------------------------------------------------------------------
# Minimum detectable effects


def power_cases():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    from scipy.optimize import brentq

    def solve(nobs1, ratio):
        # statsmodels' own solve_power stops at about 1e-5 relative; solve its power function tightly.
        def f(d):
            return NormalIndPower().power(effect_size=d, nobs1=nobs1, alpha=0.05, ratio=ratio) - 0.8
        return brentq(f, 1e-9, 10, xtol=1e-15, rtol=1e-15)

    cases = []
    for n, sd in [(100, 15.0), (500, 20.0), (2000, 0.45)]:
        d_unpaired = solve(n, 1)
        d_paired = solve(n, 0)
        cases.append(f"        PowerCase(kind: .means, n: {n}, parameter: {lit(sd)}, "
                     f"unpaired: {lit(d_unpaired * sd)}, paired: {lit(d_paired * sd)})")
    for n, p in [(100, 0.5), (1000, 0.7), (14042, 0.62)]:
        h = solve(n, 1)
        p2 = math.sin(math.asin(math.sqrt(p)) + h / 2) ** 2
        assert abs(proportion_effectsize(p2, p) - h) < 1e-9
        cases.append(f"        PowerCase(kind: .proportions, n: {n}, parameter: {lit(p)}, "
                     f"unpaired: {lit(p2 - p)}, paired: .nan)")
    return cases


# ---------------------------------------------------------------------------------------------


def main():
    rng = np.random.default_rng(20261124)
    sections = {
        "correlations": ("CorrelationCase", correlation_cases(rng)),
        "kappas": ("KappaCase", kappa_cases(rng)),
        "paired": ("PairedCase", paired_cases(rng)),
        "intervals": ("IntervalCase", interval_cases(rng)),
        "power": ("PowerCase", power_cases()),
    }
    lines = [
        "// Generated by scripts/parity/stats-reference.py; do not edit by hand.",
        f"// numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__},"
        f" python {sys.version.split()[0]}.",
        "// swift-format-ignore-file",
        "",
        "@testable import ProctorCore",
        "",
        "enum StatisticsReference {",
    ]
    for name, (kind, cases) in sections.items():
        lines.append(f"    static let {name}: [{kind}] = [")
        lines.append(",\n".join(cases))
        lines.append("    ]")
        lines.append("")
    lines[-1] = "}"
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
