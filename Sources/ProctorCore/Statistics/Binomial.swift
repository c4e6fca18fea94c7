import Foundation

/// The binomial distribution's CDF, P(X <= k) for X ~ Bin(n, p).
public enum Binomial {
    public static func cdf(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        if n <= 1000 {
            // Direct sum of the pmf in log space: exact enough and monotone for small n.
            var total = 0.0
            let logP = log(p)
            let logQ = log1p(-p)
            let lnN: Double = lgamma(Double(n + 1))
            for i in 0...k {
                let lnChoose: Double = lnN - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
                total += exp(lnChoose + Double(i) * logP + Double(n - i) * logQ)
            }
            return min(1, total)
        }
        // P(X <= k) = I_{1-p}(n-k, k+1).
        return IncompleteBeta.regularized(1 - p, a: Double(n - k), b: Double(k + 1))
    }
}
