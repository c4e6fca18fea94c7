@testable import ProctorCore

/// One data set with SciPy's pearsonr (r, p, CI), spearmanr (rho, p) and kendalltau (tau, p).
struct CorrelationCase {
    var name: String
    var x: [Double]
    var y: [Double]
    var pearson: (Double, Double, Double, Double)
    var spearman: (Double, Double)
    var kendall: (Double, Double)
}

/// Two raters' labels with statsmodels' cohens_kappa (kappa, std_kappa, kappa_low, kappa_upp).
struct KappaCase {
    var name: String
    var weights: KappaWeights
    var a: [Int]
    var b: [Int]
    var kappa: Double
    var standardError: Double
    var lower: Double
    var upper: Double
}

/// |actual - expected| within `tolerance`, relative to |expected| once that exceeds 1, and
/// NaN matching NaN.
func close(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
    if expected.isNaN { return actual.isNaN }
    return abs(actual - expected) <= tolerance * max(1, abs(expected))
}

/// For p-values, which span many orders of magnitude: relative error within `relative`, or an
/// absolute error below 1e-15.
func closeP(_ actual: Double, _ expected: Double, relative: Double = 1e-6) -> Bool {
    if expected.isNaN { return actual.isNaN }
    return abs(actual - expected) <= max(relative * abs(expected), 1e-15)
}

/// Two runs' per-item scores with statsmodels' mcnemar(exact=True) (statistic, p) for 0/1 data,
/// scipy.stats.wilcoxon(a, b) and ttest_rel(b, a) (statistic, p).
struct PairedCase {
    var name: String
    var a: [Double]
    var b: [Double]
    var mcnemar: (Double, Double)?
    var wilcoxon: (Double, Double)
    var pairedT: (Double, Double)
}

/// One sample with statsmodels' zconfint_mean (mean, se, low, high), scipy.stats.bootstrap
/// (percentile: low, high, standard error; BCa: low, high; 50000 resamples) and the cluster-robust
/// OLS intercept (se, low, high).
struct IntervalCase {
    var name: String
    var values: [Double]
    var clusters: [Int]
    var normal: (Double, Double, Double, Double)
    var percentile: (Double, Double, Double)
    var bca: (Double, Double)
    var clustered: (Double, Double, Double)
}

/// Minimum detectable effects from statsmodels' NormalIndPower (alpha 0.05, power 0.8) for n
/// items: for means `parameter` is the sd; for proportions the baseline accuracy (unpaired only).
struct PowerCase {
    enum Kind { case means, proportions }
    var kind: Kind
    var n: Int
    var parameter: Double
    var unpaired: Double
    var paired: Double
}
