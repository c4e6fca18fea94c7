import Foundation

/// Analytic intervals for a mean over evaluation items.
public enum MeanInterval {
    /// The central-limit interval mean ± z·s/√n with the sample standard deviation (n - 1), as
    /// statsmodels `DescrStatsW(x).zconfint_mean()`. Non-finite values are dropped.
    public static func normal(_ values: [Double], confidence: Double = 0.95) -> IntervalEstimate {
        let values = values.filter(\.isFinite)
        let n = values.count
        guard n >= 2 else { return .undefined(n: n, confidence: confidence, method: "normal") }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let se = (variance / Double(n)).squareRoot()
        let z = Normal.critical(confidence: confidence)
        return IntervalEstimate(
            estimate: mean, lower: mean - z * se, upper: mean + z * se, standardError: se, confidence: confidence,
            n: n, method: "normal")
    }

    /// The mean with a cluster-robust standard error, for items that come in groups whose
    /// results move together (MMLU subjects, several questions about one passage).
    ///
    /// This is the sandwich estimator of an intercept-only regression, as statsmodels
    /// `OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g})` with its default
    /// small-sample correction: SE² = G/(G-1) · (N-1)/(N-K) · Σ_g (Σ_{i∈g} (y_i - ȳ))² / N²
    /// with K = 1 parameter, so the factor is G/(G-1). The interval is mean ± z·SE (normal, as
    /// statsmodels' default `use_t=False`). NaN standard error with fewer than 2 clusters.
    public static func clustered<C: Hashable>(
        _ values: [Double], clusters: [C], confidence: Double = 0.95
    )
        -> IntervalEstimate
    {
        guard values.count == clusters.count else {
            return .undefined(n: 0, confidence: confidence, method: "cluster-robust")
        }
        let kept = zip(values, clusters).filter { $0.0.isFinite }
        let n = kept.count
        guard n >= 2 else { return .undefined(n: n, confidence: confidence, method: "cluster-robust") }
        let mean = kept.reduce(0) { $0 + $1.0 } / Double(n)
        var sums: [C: Double] = [:]
        for (value, cluster) in kept { sums[cluster, default: 0] += value - mean }
        let g = Double(sums.count)
        guard sums.count >= 2 else {
            return IntervalEstimate(
                estimate: mean, lower: .nan, upper: .nan, standardError: .nan, confidence: confidence, n: n,
                method: "cluster-robust")
        }
        let meat = sums.values.reduce(0) { $0 + $1 * $1 }
        let se = (g / (g - 1) * meat).squareRoot() / Double(n)
        let z = Normal.critical(confidence: confidence)
        return IntervalEstimate(
            estimate: mean, lower: mean - z * se, upper: mean + z * se, standardError: se, confidence: confidence,
            n: n, method: "cluster-robust")
    }
}
