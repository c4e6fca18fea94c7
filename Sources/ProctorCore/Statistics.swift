import Foundation

/// A sample mean with its Student-t confidence interval.
public struct MeanEstimate: Sendable, Hashable, Codable {
    public var count: Int
    public var mean: Double
    public var standardDeviation: Double
    public var lower: Double
    public var upper: Double
    public var confidence: Double

    /// Half the interval's width.
    public var margin: Double { (upper - lower) / 2 }

    public init?(_ values: [Double], confidence: Double = 0.95) {
        guard !values.isEmpty else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        let sd = variance.squareRoot()
        let margin: Double
        if values.count > 1 {
            let t = StudentT.quantile(0.5 + confidence / 2, degreesOfFreedom: n - 1)
            margin = t * sd / n.squareRoot()
        } else {
            margin = .infinity
        }
        self.count = values.count
        self.mean = mean
        self.standardDeviation = sd
        self.lower = mean - margin
        self.upper = mean + margin
        self.confidence = confidence
    }

    private enum CodingKeys: String, CodingKey { case count, mean, standardDeviation, lower, upper, confidence }

    /// One value has no interval: its infinite bounds are written as null (JSON has no infinity).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(mean, forKey: .mean)
        try c.encode(standardDeviation, forKey: .standardDeviation)
        try c.encode(lower.isFinite ? lower : nil, forKey: .lower)
        try c.encode(upper.isFinite ? upper : nil, forKey: .upper)
        try c.encode(confidence, forKey: .confidence)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        mean = try c.decode(Double.self, forKey: .mean)
        standardDeviation = try c.decode(Double.self, forKey: .standardDeviation)
        lower = try c.decodeIfPresent(Double.self, forKey: .lower) ?? -.infinity
        upper = try c.decodeIfPresent(Double.self, forKey: .upper) ?? .infinity
        confidence = try c.decode(Double.self, forKey: .confidence)
    }
}

/// Student's t distribution: CDF through the regularised incomplete beta function, and its
/// quantile by bisection on the CDF (accurate to about 1e-12).
public enum StudentT {
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let x = nu / (nu + t * t)
        let tail = 0.5 * IncompleteBeta.regularized(x, a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "probability must be in (0, 1)")
        var low = -1.0e3
        var high = 1.0e3
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if cdf(mid, degreesOfFreedom: nu) < p { low = mid } else { high = mid }
            if high - low < 1e-13 { break }
        }
        return (low + high) / 2
    }
}

/// The regularised incomplete beta function I_x(a, b) by Lentz's continued fraction.
public enum IncompleteBeta {
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(lnFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(lnFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
