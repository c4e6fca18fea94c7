import Foundation

/// A test statistic with its two-sided p-value; `n` is the number of observations the test used
/// (discordant pairs for McNemar, non-zero differences for Wilcoxon, pairs for the t-test).
public struct TestResult: Sendable, Hashable, Codable {
    public var statistic: Double
    public var pValue: Double
    public var n: Int
    /// How the p-value was obtained, e.g. "exact binomial", "normal approximation".
    public var method: String

    public init(statistic: Double, pValue: Double, n: Int, method: String) {
        self.statistic = statistic
        self.pValue = pValue
        self.n = n
        self.method = method
    }
}

/// Tests for two runs scored on the same items (`a[i]` and `b[i]` belong to item i).
/// Pairs with a NaN or infinite value on either side are dropped first.
public enum PairedTests {
    /// McNemar's exact test for paired 0/1 outcomes, as statsmodels
    /// `mcnemar(table, exact=True)`: statistic = min(b, c) over the discordant counts
    /// b = #(a=1, b=0) and c = #(a=0, b=1); p = min(1, 2·P(Bin(b+c, ½) <= min(b, c))).
    /// Values are read as outcomes by `> 0.5` (so 0/1 and false/true both work).
    public static func mcnemar(_ a: [Double], _ b: [Double]) -> TestResult {
        guard a.count == b.count else {
            return TestResult(statistic: .nan, pValue: .nan, n: 0, method: "exact binomial")
        }
        let (a, b) = finitePairs(a, b)
        var onlyA = 0
        var onlyB = 0
        for (x, y) in zip(a, b) {
            let (passA, passB) = (x > 0.5, y > 0.5)
            if passA && !passB { onlyA += 1 }
            if passB && !passA { onlyB += 1 }
        }
        let discordant = onlyA + onlyB
        let smaller = min(onlyA, onlyB)
        let p = min(1, 2 * Binomial.cdf(smaller, n: discordant, p: 0.5))
        return TestResult(statistic: Double(smaller), pValue: p, n: discordant, method: "exact binomial")
    }

    /// The Wilcoxon signed-rank test on the differences b - a, as `scipy.stats.wilcoxon(a, b)`
    /// with its defaults (SciPy 1.13+): zeros dropped (`zero_method="wilcox"`), no continuity
    /// correction, `method="auto"`:
    /// - at most 50 pairs with no ties and no zero differences: the exact null distribution;
    /// - at most 13 pairs otherwise: the exact sign-flip permutation distribution (SciPy's
    ///   permutation test enumerates all 2^n flips there, so the two agree exactly);
    /// - else the normal approximation with the tie-corrected variance.
    /// The statistic is min(R+, R-), as SciPy reports for a two-sided test.
    public static func wilcoxon(_ a: [Double], _ b: [Double]) -> TestResult {
        guard a.count == b.count else { return TestResult(statistic: .nan, pValue: .nan, n: 0, method: "") }
        let (a, b) = finitePairs(a, b)
        let differences = zip(a, b).map { $1 - $0 }
        let total = differences.count
        let nonZero = differences.filter { $0 != 0 }
        let count = nonZero.count
        guard count > 0 else {
            return TestResult(statistic: .nan, pValue: .nan, n: 0, method: "no non-zero differences")
        }
        let magnitudes = nonZero.map(abs)
        let ranks = Ranking.averageRanks(magnitudes)
        let rankPlus = zip(nonZero, ranks).reduce(0.0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let rankMinus = Double(count * (count + 1)) / 2 - rankPlus
        let groups = Ranking.tieGroups(magnitudes)
        let hasTies = groups.contains { $0 > 1 }
        let hasZeros = count < total
        let statistic = min(rankPlus, rankMinus)
        if total <= 50 && !hasTies && !hasZeros {
            return TestResult(
                statistic: statistic, pValue: exactSignedRankP(ranks, observed: rankPlus), n: count,
                method: "exact")
        }
        if total <= 13 {
            return TestResult(
                statistic: statistic, pValue: exactSignedRankP(ranks, observed: rankPlus), n: count,
                method: "exact permutation")
        }
        let n = Double(count)
        let mean = n * (n + 1) / 4
        let tieCorrection = groups.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
        let se = ((n * (n + 1) * (2 * n + 1) - tieCorrection / 2) / 24).squareRoot()
        let z = (rankPlus - mean) / se
        return TestResult(statistic: statistic, pValue: Normal.twoSidedP(z), n: count, method: "normal approximation")
    }

    /// Paired t-test on b - a, as `scipy.stats.ttest_rel(b, a)`: statistic t, two-sided p on
    /// n - 1 degrees of freedom. NaN when fewer than 2 pairs or the differences are constant.
    public static func pairedT(_ a: [Double], _ b: [Double]) -> TestResult {
        guard a.count == b.count else { return TestResult(statistic: .nan, pValue: .nan, n: 0, method: "t") }
        let (a, b) = finitePairs(a, b)
        let differences = zip(a, b).map { $1 - $0 }
        let n = differences.count
        guard n >= 2 else { return TestResult(statistic: .nan, pValue: .nan, n: n, method: "t") }
        let mean = differences.reduce(0, +) / Double(n)
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        guard variance > 0 else { return TestResult(statistic: .nan, pValue: .nan, n: n, method: "t") }
        let t = mean / (variance / Double(n)).squareRoot()
        let nu = Double(n - 1)
        let p = IncompleteBeta.regularized(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return TestResult(statistic: t, pValue: min(1, p), n: n, method: "t")
    }

    /// Two-sided p of R+ under the sign-flip null: every subset of the ranks is equally likely to
    /// be the positive one. Counted exactly by dynamic programming over doubled ranks (ranks are
    /// multiples of 1/2), so ties and the exact no-tie case share one code path.
    static func exactSignedRankP(_ ranks: [Double], observed: Double) -> Double {
        let doubled = ranks.map { Int(($0 * 2).rounded()) }
        let maximum = doubled.reduce(0, +)
        var counts = [Double](repeating: 0, count: maximum + 1)
        counts[0] = 1
        var reach = 0
        for rank in doubled {
            for sum in stride(from: reach, through: 0, by: -1) where counts[sum] > 0 {
                counts[sum + rank] += counts[sum]
            }
            reach += rank
        }
        let all = counts.reduce(0, +)
        let target = Int((observed * 2).rounded())
        let atMost = counts[0...target].reduce(0, +) / all
        let atLeast = counts[target...].reduce(0, +) / all
        return min(1, 2 * min(atMost, atLeast))
    }
}
