import Foundation

/// A correlation coefficient with its two-sided p-value (null: no association) and a confidence
/// interval. Degenerate inputs (fewer than 3 pairs, a constant side, unequal lengths) give NaN
/// fields rather than a crash; `n` is the number of pairs used.
public struct CorrelationEstimate: Sendable, Hashable, Codable {
    public var coefficient: Double
    public var pValue: Double
    public var lower: Double
    public var upper: Double
    public var n: Int

    public init(coefficient: Double, pValue: Double, lower: Double, upper: Double, n: Int) {
        self.coefficient = coefficient
        self.pValue = pValue
        self.lower = lower
        self.upper = upper
        self.n = n
    }

    static func undefined(n: Int) -> CorrelationEstimate {
        CorrelationEstimate(coefficient: .nan, pValue: .nan, lower: .nan, upper: .nan, n: n)
    }
}

/// Pearson, Spearman and Kendall (tau-b) correlation, matching SciPy's `pearsonr`, `spearmanr`
/// and `kendalltau` (two-sided) for the coefficient and p-value.
///
/// Pairs where either value is NaN or infinite are dropped first. Intervals are all built on
/// Fisher's z = atanh(r), back-transformed with tanh, with the standard error that suits each
/// coefficient:
/// - Pearson: 1/sqrt(n-3), exactly `pearsonr(...).confidence_interval()`;
/// - Spearman: Bonett & Wright (2000), sqrt((1 + r²/2)/(n-3));
/// - Kendall: Fieller, Hartley & Pearson (1957), sqrt(0.437/(n-4)) (NaN for n < 5).
public enum Correlation {
    public static func pearson(_ x: [Double], _ y: [Double], confidence: Double = 0.95) -> CorrelationEstimate {
        guard x.count == y.count else { return .undefined(n: min(x.count, y.count)) }
        let (x, y) = finitePairs(x, y)
        let n = x.count
        guard n >= 3, let r = pearsonCoefficient(x, y) else { return .undefined(n: n) }
        let (lower, upper) = fisherInterval(r, standardError: 1 / Double(n - 3).squareRoot(), confidence: confidence)
        return CorrelationEstimate(coefficient: r, pValue: tTestP(r, n: n), lower: lower, upper: upper, n: n)
    }

    public static func spearman(_ x: [Double], _ y: [Double], confidence: Double = 0.95) -> CorrelationEstimate {
        guard x.count == y.count else { return .undefined(n: min(x.count, y.count)) }
        let (x, y) = finitePairs(x, y)
        let n = x.count
        guard n >= 3, let rho = pearsonCoefficient(Ranking.averageRanks(x), Ranking.averageRanks(y)) else {
            return .undefined(n: n)
        }
        let se = ((1 + rho * rho / 2) / Double(n - 3)).squareRoot()
        let (lower, upper) = fisherInterval(rho, standardError: se, confidence: confidence)
        return CorrelationEstimate(coefficient: rho, pValue: tTestP(rho, n: n), lower: lower, upper: upper, n: n)
    }

    /// Kendall's tau-b. The p-value follows SciPy's `method="auto"`: the exact null distribution
    /// when neither side has ties and n <= 33 (or at most one discordant/concordant pair),
    /// otherwise the normal approximation with the tie-corrected variance.
    public static func kendall(_ x: [Double], _ y: [Double], confidence: Double = 0.95) -> CorrelationEstimate {
        guard x.count == y.count else { return .undefined(n: min(x.count, y.count)) }
        let (x, y) = finitePairs(x, y)
        let n = x.count
        guard n >= 3 else { return .undefined(n: n) }
        var concordant = 0
        var discordant = 0
        var xTies = 0  // pairs tied in x (joint ties included)
        var yTies = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 { xTies += 1 }
                if dy == 0 { yTies += 1 }
                if dx == 0 || dy == 0 { continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let total = n * (n - 1) / 2
        guard xTies < total, yTies < total else { return .undefined(n: n) }
        let difference = Double(concordant - discordant)
        let tau = max(-1, min(1, difference / Double(total - xTies).squareRoot() / Double(total - yTies).squareRoot()))
        let pValue: Double
        if xTies == 0 && yTies == 0 && (n <= 33 || min(discordant, total - discordant) <= 1) {
            pValue = exactKendallP(n: n, concordant: total - discordant)
        } else {
            let (x0, x1) = tieTerms(x)
            let (y0, y1) = tieTerms(y)
            let m = Double(n) * Double(n - 1)
            let variance =
                (m * Double(2 * n + 5) - x1 - y1) / 18 + 2 * Double(xTies) * Double(yTies) / m + x0 * y0
                / (9 * m * Double(n - 2))
            pValue = Normal.twoSidedP(difference / variance.squareRoot())
        }
        guard n >= 5 else {
            return CorrelationEstimate(coefficient: tau, pValue: pValue, lower: .nan, upper: .nan, n: n)
        }
        let se = (0.437 / Double(n - 4)).squareRoot()
        let (lower, upper) = fisherInterval(tau, standardError: se, confidence: confidence)
        return CorrelationEstimate(coefficient: tau, pValue: pValue, lower: lower, upper: upper, n: n)
    }

    // MARK: - Pieces

    /// Sample Pearson r (two-pass, clamped to [-1, 1]); nil when a side is constant.
    static func pearsonCoefficient(_ x: [Double], _ y: [Double]) -> Double? {
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n
        let meanY = y.reduce(0, +) / n
        var sxx = 0.0
        var syy = 0.0
        var sxy = 0.0
        for (a, b) in zip(x, y) {
            let dx = a - meanX
            let dy = b - meanY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return max(-1, min(1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }

    /// Two-sided p of t = r sqrt((n-2)/(1-r²)) on n-2 degrees of freedom, computed as
    /// I_{1-r²}((n-2)/2, 1/2), which is what SciPy's beta-distribution form reduces to.
    static func tTestP(_ r: Double, n: Int) -> Double {
        let nu = Double(n - 2)
        let oneMinusR2 = max(0, (1 - r) * (1 + r))
        return min(1, IncompleteBeta.regularized(oneMinusR2, a: nu / 2, b: 0.5))
    }

    static func fisherInterval(_ r: Double, standardError: Double, confidence: Double) -> (Double, Double) {
        let z = atanh(r)
        let critical = Normal.critical(confidence: confidence)
        return (tanh(z - critical * standardError), tanh(z + critical * standardError))
    }

    /// Σ t(t-1)(t-2) and Σ t(t-1)(2t+5) over tie groups of size t.
    static func tieTerms(_ values: [Double]) -> (Double, Double) {
        var first = 0.0
        var second = 0.0
        for size in Ranking.tieGroups(values) where size > 1 {
            let t = Double(size)
            first += t * (t - 1) * (t - 2)
            second += t * (t - 1) * (2 * t + 5)
        }
        return (first, second)
    }

    /// The exact two-sided p-value for `concordant` concordant pairs among n untied values: the
    /// null counts of permutations by inversions, built by the recurrence SciPy uses.
    static func exactKendallP(n: Int, concordant: Int) -> Double {
        let total = n * (n - 1) / 2
        let c = min(concordant, total - concordant)
        let probability: Double
        if n <= 2 {
            probability = 1
        } else if c == 0 {
            probability = n < 171 ? 2 / factorial(n) : 0
        } else if c == 1 {
            probability = n < 172 ? 2 / factorial(n - 1) : 0
        } else if 4 * c == total * 2 {
            probability = 1
        } else {
            // counts[k] = number of permutations of j elements with k inversions, for k <= c.
            var counts = [Double](repeating: 0, count: c + 1)
            counts[0] = 1
            counts[1] = 1
            let scaled = n >= 171
            for j in 3...n {
                var running = 0.0
                for k in 0...c {
                    running += counts[k]
                    counts[k] = scaled ? running / Double(j) : running
                }
                if j <= c {
                    for k in stride(from: c, through: j, by: -1) { counts[k] -= counts[k - j] }
                }
            }
            let sum = counts.reduce(0, +)
            probability = scaled ? sum : 2 * sum / factorial(n)
        }
        return max(0, min(1, probability))
    }

    static func factorial(_ n: Int) -> Double {
        (1...max(1, n)).reduce(1.0) { $0 * Double($1) }
    }
}
