import Foundation

/// How a bootstrap interval is read off the resampled statistics.
public enum BootstrapMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// The α/2 and 1-α/2 quantiles of the resampled means (linear interpolation, as NumPy).
    case percentile
    /// Efron's bias-corrected and accelerated interval: bias from the share of resampled means
    /// below the estimate, acceleration from the jackknife (as `scipy.stats.bootstrap(method="BCa")`).
    case bca
}

/// An interval for a mean (or a mean paired difference).
public struct IntervalEstimate: Sendable, Hashable, Codable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var standardError: Double
    public var confidence: Double
    public var n: Int
    /// "normal", "bootstrap percentile", "bootstrap BCa", "cluster-robust".
    public var method: String

    public init(
        estimate: Double, lower: Double, upper: Double, standardError: Double, confidence: Double, n: Int,
        method: String
    ) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.standardError = standardError
        self.confidence = confidence
        self.n = n
        self.method = method
    }

    public var margin: Double { (upper - lower) / 2 }

    static func undefined(n: Int, confidence: Double, method: String) -> IntervalEstimate {
        IntervalEstimate(
            estimate: .nan, lower: .nan, upper: .nan, standardError: .nan, confidence: confidence, n: n, method: method)
    }
}

/// Seeded nonparametric bootstrap for means. The same seed gives the same interval on every run
/// (SplitMix64 draws); non-finite values are dropped first.
public enum Bootstrap {
    public static let defaultResamples = 10_000
    public static let defaultSeed: UInt64 = 20_261_124

    /// A bootstrap confidence interval for the mean of `values`. `standardError` is the standard
    /// deviation of the resampled means.
    public static func mean(
        _ values: [Double], confidence: Double = 0.95, resamples: Int = defaultResamples,
        seed: UInt64 = defaultSeed, method: BootstrapMethod = .bca
    ) -> IntervalEstimate {
        let values = values.filter(\.isFinite)
        let n = values.count
        let label = method == .bca ? "bootstrap BCa" : "bootstrap percentile"
        guard n >= 2, resamples >= 2 else { return .undefined(n: n, confidence: confidence, method: label) }
        let estimate = values.reduce(0, +) / Double(n)
        var generator = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        values.withUnsafeBufferPointer { buffer in
            for r in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += buffer[generator.index(below: n)] }
                means[r] = sum / Double(n)
            }
        }
        let meanOfMeans = means.reduce(0, +) / Double(resamples)
        let spread = (means.reduce(0) { $0 + ($1 - meanOfMeans) * ($1 - meanOfMeans) } / Double(resamples - 1))
            .squareRoot()
        means.sort()
        let alpha = 1 - confidence
        var lowerLevel = alpha / 2
        var upperLevel = 1 - alpha / 2
        if method == .bca {
            let adjusted = bcaLevels(values, estimate: estimate, sortedMeans: means, alpha: alpha)
            // A constant sample (or a degenerate jackknife) leaves the percentile levels.
            if adjusted.0.isFinite && adjusted.1.isFinite { (lowerLevel, upperLevel) = adjusted }
        }
        return IntervalEstimate(
            estimate: estimate, lower: quantile(sorted: means, lowerLevel), upper: quantile(sorted: means, upperLevel),
            standardError: spread, confidence: confidence, n: n, method: label)
    }

    /// The paired bootstrap of the mean difference mean(b - a): items are resampled with both of
    /// their scores, which is the bootstrap of the per-item differences.
    public static func pairedDifference(
        _ a: [Double], _ b: [Double], confidence: Double = 0.95, resamples: Int = defaultResamples,
        seed: UInt64 = defaultSeed, method: BootstrapMethod = .bca
    ) -> IntervalEstimate {
        guard a.count == b.count else {
            return .undefined(
                n: 0, confidence: confidence, method: method == .bca ? "bootstrap BCa" : "bootstrap percentile")
        }
        let (a, b) = finitePairs(a, b)
        return mean(zip(a, b).map { $1 - $0 }, confidence: confidence, resamples: resamples, seed: seed, method: method)
    }

    /// The NumPy-default ("linear") quantile of sorted values.
    static func quantile(sorted values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = p * Double(values.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, values.count - 1)
        let fraction = position - Double(low)
        return values[low] + (values[high] - values[low]) * fraction
    }

    /// BCa's adjusted quantile levels.
    static func bcaLevels(
        _ values: [Double], estimate: Double, sortedMeans: [Double], alpha: Double
    ) -> (
        Double, Double
    ) {
        // Bias: the (mid-)share of resampled means below the estimate, ties counted half, as SciPy.
        let below = sortedMeans.partitioningIndex { $0 >= estimate }
        let atOrBelow = sortedMeans.partitioningIndex { $0 > estimate }
        let share = Double(below + atOrBelow) / Double(2 * sortedMeans.count)
        let z0 = Normal.quantile(share)
        // Acceleration from the leave-one-out means.
        let n = Double(values.count)
        let total = values.reduce(0, +)
        let jackknife = values.map { (total - $0) / (n - 1) }
        let jackknifeMean = jackknife.reduce(0, +) / n
        var squares = 0.0
        var cubes = 0.0
        for value in jackknife {
            let d = jackknifeMean - value
            squares += d * d
            cubes += d * d * d
        }
        let acceleration = cubes / (6 * pow(squares, 1.5))
        func level(_ p: Double) -> Double {
            let z = Normal.quantile(p)
            return Normal.cdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z)))
        }
        return (level(alpha / 2), level(1 - alpha / 2))
    }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `predicate`, for a predicate false then true
    /// along the (sorted) array.
    fileprivate func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
