import Foundation

/// The standard normal distribution: CDF and survival function through `erfc` (accurate in the
/// tails), and the quantile by Halley refinement of a rational start (accurate to about 1e-15).
public enum Normal {
    /// P(Z <= z).
    public static func cdf(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// P(Z > z), without the cancellation of `1 - cdf(z)`.
    public static func sf(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 0.5 * erfc(z / 2.0.squareRoot())
    }

    /// Two-sided p-value of a standard normal statistic: P(|Z| >= |z|).
    public static func twoSidedP(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return min(1, 2 * sf(abs(z)))
    }

    /// The z with P(Z <= z) = p; -inf at 0, +inf at 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        // Work in the lower tail for accuracy; mirror the result.
        let lower = min(p, 1 - p)
        let t = (-2 * log(lower)).squareRoot()
        // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as a starting point.
        let numerator = 2.515517 + 0.802853 * t + 0.010328 * t * t
        let denominator = 1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t
        var x = -(t - numerator / denominator)
        for _ in 0..<6 {
            let error = cdf(x) - lower
            let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            guard density > 0 else { break }
            let u = error / density
            let step = u / (1 + x * u / 2)
            x -= step
            if abs(step) <= 1e-16 * max(1, abs(x)) { break }
        }
        return p < 0.5 ? x : -x
    }

    /// The two-sided critical value for a confidence level, e.g. 1.959964 for 0.95.
    public static func critical(confidence: Double) -> Double {
        quantile(0.5 + confidence / 2)
    }
}
