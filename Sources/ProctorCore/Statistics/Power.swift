import Foundation

/// Whether two runs are scored on the same items (paired) or on independent samples.
public enum ComparisonDesign: String, Sendable, Hashable, Codable, CaseIterable {
    case paired, unpaired
}

/// Minimum detectable effects: the smallest true difference a two-sided test at level `alpha`
/// finds with probability `power`, given the number of items. All use the normal (z) test, as
/// statsmodels' `NormalIndPower` (both rejection tails counted, so the solved shift is exact).
public enum Power {
    /// The standardised shift λ = δ·√n_eff at which the two-sided z test has the given power:
    /// solves Φ(λ - z) + Φ(-λ - z) = power, z = Φ⁻¹(1 - α/2). About 2.8016 for α 0.05, power 0.8.
    public static func detectableShift(alpha: Double = 0.05, power: Double = 0.8) -> Double {
        let z = Normal.quantile(1 - alpha / 2)
        guard power > alpha, power < 1 else { return .nan }
        func achieved(_ shift: Double) -> Double { Normal.sf(z - shift) + Normal.cdf(-z - shift) }
        var low = 0.0
        var high = 2 * z + 2 * Normal.quantile(power) + 10
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if achieved(mid) < power { low = mid } else { high = mid }
            if high - low < 1e-15 { break }
        }
        return (low + high) / 2
    }

    /// For a mean score with per-item standard deviation `standardDeviation`, on `n` items per run:
    /// paired, `standardDeviation` is that of the per-item differences and MDE = λ·sd/√n;
    /// unpaired, it is each run's item sd and MDE = λ·sd·√(2/n).
    public static func minimumDetectableEffect(
        n: Int, standardDeviation: Double, design: ComparisonDesign, alpha: Double = 0.05, power: Double = 0.8
    ) -> Double {
        guard n > 0 else { return .nan }
        let shift = detectableShift(alpha: alpha, power: power)
        switch design {
        case .paired: return shift * standardDeviation / Double(n).squareRoot()
        case .unpaired: return shift * standardDeviation * (2 / Double(n)).squareRoot()
        }
    }

    /// For accuracy on two independent samples of `n` items with baseline accuracy `baseline`:
    /// the smallest increase p2 - p1 through Cohen's h (arcsine) effect size, as statsmodels
    /// `NormalIndPower().solve_power(nobs1=n, ratio=1)` with `proportion_effectsize`:
    /// h = λ·√(2/n), p2 = sin²(asin(√p1) + h/2). Capped at 1 - p1.
    public static func minimumDetectableProportionDifference(
        n: Int, baseline: Double, alpha: Double = 0.05, power: Double = 0.8
    ) -> Double {
        guard n > 0, baseline >= 0, baseline <= 1 else { return .nan }
        let h = detectableShift(alpha: alpha, power: power) * (2 / Double(n)).squareRoot()
        let angle = min(Double.pi / 2, asin(baseline.squareRoot()) + h / 2)
        let improved = sin(angle) * sin(angle)
        return improved - baseline
    }

    /// For accuracy of two runs on the same `n` items, where a share `discordance` of items are
    /// right in one run and wrong in the other: the per-item difference has sd ≈ √discordance
    /// under the null, so MDE = λ·√(discordance/n) (the normal approximation behind McNemar's
    /// test; Connor 1987 without the second-order term).
    public static func minimumDetectableProportionDifference(
        n: Int, discordance: Double, alpha: Double = 0.05, power: Double = 0.8
    ) -> Double {
        guard n > 0, discordance >= 0, discordance <= 1 else { return .nan }
        return detectableShift(alpha: alpha, power: power) * (discordance / Double(n)).squareRoot()
    }
}
