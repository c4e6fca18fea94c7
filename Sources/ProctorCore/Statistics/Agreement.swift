import Foundation

/// Cohen's kappa with its large-sample standard error and a normal confidence interval.
/// Degenerate inputs (no pairs, unequal lengths, both raters using one and the same label) give
/// NaN kappa; `observedAgreement` is the (weighted) share of agreement.
public struct KappaEstimate: Sendable, Hashable, Codable {
    public var kappa: Double
    public var standardError: Double
    public var lower: Double
    public var upper: Double
    public var observedAgreement: Double
    public var n: Int

    public init(kappa: Double, standardError: Double, lower: Double, upper: Double, observedAgreement: Double, n: Int) {
        self.kappa = kappa
        self.standardError = standardError
        self.lower = lower
        self.upper = upper
        self.observedAgreement = observedAgreement
        self.n = n
    }
}

/// How much partial credit a near miss gets on an ordinal scale with k categories (i, j are the
/// positions of the two labels in sorted order): none (nominal kappa), linear
/// 1 - |i-j|/(k-1), or quadratic 1 - (i-j)²/(k-1)², as statsmodels' `wt="linear"`/`"quadratic"`
/// and scikit-learn's `weights=`.
public enum KappaWeights: String, Sendable, Hashable, Codable, CaseIterable {
    case none, linear, quadratic
}

/// Agreement between two raters over the same items (e.g. an LLM judge against humans).
///
/// Kappa and its standard error follow Fleiss, Cohen & Everitt (1969), the large-sample variance
/// that statsmodels' `cohens_kappa(...).std_kappa` reports for unweighted kappa; the interval is
/// kappa ± z·SE, as statsmodels' `kappa_low`/`kappa_upp`. Ordinal weights use the sorted set of
/// labels seen on either side as the categories.
public enum Agreement {
    /// Nominal (unweighted) Cohen's kappa.
    public static func cohenKappa<L: Hashable>(_ a: [L], _ b: [L], confidence: Double = 0.95) -> KappaEstimate {
        var index: [L: Int] = [:]
        for label in a + b where index[label] == nil { index[label] = index.count }
        return kappa(
            a.map { index[$0]! }, b.map { index[$0]! }, categories: index.count, weights: .none,
            confidence: confidence)
    }

    /// Cohen's kappa on an ordinal scale, with partial credit for near misses.
    public static func cohenKappa<L: Hashable & Comparable>(
        _ a: [L], _ b: [L], weights: KappaWeights, confidence: Double = 0.95
    ) -> KappaEstimate {
        let labels = Array(Set(a + b)).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        return kappa(
            a.map { index[$0]! }, b.map { index[$0]! }, categories: labels.count, weights: weights,
            confidence: confidence)
    }

    /// The share of items on which the two raters give the same label (NaN when empty).
    public static func percentAgreement<L: Hashable>(_ a: [L], _ b: [L]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .nan }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }

    static func kappa(
        _ a: [Int], _ b: [Int], categories k: Int, weights: KappaWeights, confidence: Double
    )
        -> KappaEstimate
    {
        let n = a.count
        guard n == b.count, n > 0 else {
            return KappaEstimate(
                kappa: .nan, standardError: .nan, lower: .nan, upper: .nan, observedAgreement: .nan,
                n: min(a.count, b.count))
        }
        // Joint proportions p[i][j] and the two raters' marginals.
        var p = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (i, j) in zip(a, b) { p[i][j] += 1 }
        p = p.map { row in row.map { $0 / Double(n) } }
        var rows = [Double](repeating: 0, count: k)
        var columns = [Double](repeating: 0, count: k)
        for i in 0..<k {
            for j in 0..<k {
                rows[i] += p[i][j]
                columns[j] += p[i][j]
            }
        }
        let w = agreementWeights(k, weights)
        var observed = 0.0
        var expected = 0.0
        for i in 0..<k {
            for j in 0..<k {
                observed += w[i][j] * p[i][j]
                expected += w[i][j] * rows[i] * columns[j]
            }
        }
        guard expected < 1 - 1e-15 else {
            return KappaEstimate(
                kappa: .nan, standardError: .nan, lower: .nan, upper: .nan, observedAgreement: observed, n: n)
        }
        let kappa = (observed - expected) / (1 - expected)
        // Weighted mean agreement of row category i against rater B's marginal, and vice versa.
        let rowMeans = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + columns[$1] * w[i][$1] } }
        let columnMeans = (0..<k).map { j in (0..<k).reduce(0.0) { $0 + rows[$1] * w[$1][j] } }
        var sum = 0.0
        for i in 0..<k {
            for j in 0..<k where p[i][j] > 0 {
                let term = w[i][j] - (rowMeans[i] + columnMeans[j]) * (1 - kappa)
                sum += p[i][j] * term * term
            }
        }
        let correction = kappa - expected * (1 - kappa)
        let variance = max(0, sum - correction * correction) / ((1 - expected) * (1 - expected) * Double(n))
        let se = variance.squareRoot()
        let z = Normal.critical(confidence: confidence)
        return KappaEstimate(
            kappa: kappa, standardError: se, lower: kappa - z * se, upper: kappa + z * se,
            observedAgreement: observed, n: n)
    }

    static func agreementWeights(_ k: Int, _ weights: KappaWeights) -> [[Double]] {
        (0..<k).map { i in
            (0..<k).map { j in
                switch weights {
                case .none: return i == j ? 1 : 0
                case .linear: return k > 1 ? 1 - Double(abs(i - j)) / Double(k - 1) : 1
                case .quadratic: return k > 1 ? 1 - Double((i - j) * (i - j)) / Double((k - 1) * (k - 1)) : 1
                }
            }
        }
    }
}
