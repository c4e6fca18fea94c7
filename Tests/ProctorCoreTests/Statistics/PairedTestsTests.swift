import Foundation
import Testing

@testable import ProctorCore

@Suite struct PairedTestsTests {
    @Test(arguments: StatisticsReference.paired.indices)
    func matchesSciPyAndStatsmodels(_ index: Int) {
        let reference = StatisticsReference.paired[index]
        if let expected = reference.mcnemar {
            let result = PairedTests.mcnemar(reference.a, reference.b)
            #expect(result.statistic == expected.0, "\(reference.name)")
            #expect(abs(result.pValue - expected.1) < 1e-6, "\(reference.name)")
            #expect(closeP(result.pValue, expected.1, relative: 1e-9), "\(reference.name)")
        }
        let wilcoxon = PairedTests.wilcoxon(reference.a, reference.b)
        #expect(close(wilcoxon.statistic, reference.wilcoxon.0, 1e-12), "\(reference.name)")
        #expect(abs(wilcoxon.pValue - reference.wilcoxon.1) < 1e-6, "\(reference.name) \(wilcoxon.method)")
        #expect(closeP(wilcoxon.pValue, reference.wilcoxon.1, relative: 1e-9), "\(reference.name) \(wilcoxon.method)")
        let t = PairedTests.pairedT(reference.a, reference.b)
        #expect(close(t.statistic, reference.pairedT.0, 1e-9), "\(reference.name)")
        #expect(closeP(t.pValue, reference.pairedT.1, relative: 1e-9), "\(reference.name)")
    }

    @Test func mcnemarCountsOnlyDiscordantPairs() {
        // 3 items only A gets right, 0 only B: p = 2 * P(Bin(3, .5) <= 0) = 0.25.
        let a: [Double] = [1, 1, 1, 1, 0, 0]
        let b: [Double] = [0, 0, 0, 1, 0, 0]
        let result = PairedTests.mcnemar(a, b)
        #expect(result.n == 3)
        #expect(result.statistic == 0)
        #expect(abs(result.pValue - 0.25) < 1e-15)
        #expect(PairedTests.mcnemar([1, 0], [1, 0]).pValue == 1)
    }

    @Test func degenerateInputs() {
        #expect(PairedTests.wilcoxon([1, 2, 3], [1, 2, 3]).pValue.isNaN)
        #expect(PairedTests.pairedT([1], [2]).pValue.isNaN)
        #expect(PairedTests.pairedT([1, 2, 3], [2, 3, 4]).pValue.isNaN)
        #expect(PairedTests.mcnemar([1, 0, 1], [1]).pValue.isNaN)
    }

    @Test func binomialCDF() {
        #expect(abs(Binomial.cdf(3, n: 10, p: 0.5) - 176.0 / 1024) < 1e-14)
        #expect(Binomial.cdf(10, n: 10, p: 0.3) == 1)
        #expect(Binomial.cdf(-1, n: 10, p: 0.3) == 0)
        // The large-n path (incomplete beta) against the small-n path's sum, at n = 1001.
        var direct = 0.0
        for k in 0...480 {
            let logTerm: Double = lgamma(1002.0) - lgamma(Double(k + 1)) - lgamma(Double(1002 - k))
            direct += exp(logTerm + 1001 * log(0.5))
        }
        #expect(abs(Binomial.cdf(480, n: 1001, p: 0.5) - direct) < 1e-10)
    }
}
