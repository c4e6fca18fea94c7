import Foundation
import Testing

@testable import ProctorCore

@Suite struct CorrelationTests {
    @Test(arguments: StatisticsReference.correlations.indices)
    func matchesSciPy(_ index: Int) {
        let reference = StatisticsReference.correlations[index]
        let pearson = Correlation.pearson(reference.x, reference.y)
        #expect(close(pearson.coefficient, reference.pearson.0, 1e-9), "\(reference.name)")
        #expect(closeP(pearson.pValue, reference.pearson.1), "\(reference.name)")
        #expect(close(pearson.lower, reference.pearson.2, 1e-9), "\(reference.name)")
        #expect(close(pearson.upper, reference.pearson.3, 1e-9), "\(reference.name)")
        let spearman = Correlation.spearman(reference.x, reference.y)
        #expect(close(spearman.coefficient, reference.spearman.0, 1e-9), "\(reference.name)")
        #expect(closeP(spearman.pValue, reference.spearman.1), "\(reference.name)")
        let kendall = Correlation.kendall(reference.x, reference.y)
        #expect(close(kendall.coefficient, reference.kendall.0, 1e-9), "\(reference.name)")
        #expect(closeP(kendall.pValue, reference.kendall.1), "\(reference.name)")
        #expect(pearson.n == reference.x.count)
    }

    @Test func intervalsContainTheCoefficientAndNarrowWithN() {
        let x = (0..<40).map { Double($0) }
        let y = x.map { $0 + 10 * sin($0) }
        for estimate in [Correlation.pearson(x, y), Correlation.spearman(x, y), Correlation.kendall(x, y)] {
            #expect(estimate.lower < estimate.coefficient && estimate.coefficient < estimate.upper)
            #expect(estimate.lower >= -1 && estimate.upper <= 1)
        }
        let wide = Correlation.spearman(Array(x.prefix(10)), Array(y.prefix(10)))
        let narrow = Correlation.spearman(x, y)
        #expect(wide.upper - wide.lower > narrow.upper - narrow.lower)
    }

    @Test func degenerateInputsGiveNaN() {
        for estimate in [
            Correlation.pearson([1, 2], [3, 4]), Correlation.spearman([], []), Correlation.kendall([1], [1]),
            Correlation.pearson([1, 1, 1, 1], [1, 2, 3, 4]), Correlation.spearman([1, 2, 3, 4], [5, 5, 5, 5]),
            Correlation.kendall([2, 2, 2], [1, 2, 3]), Correlation.pearson([1, 2, 3], [1, 2]),
        ] {
            #expect(estimate.coefficient.isNaN)
            #expect(estimate.pValue.isNaN)
            #expect(estimate.lower.isNaN && estimate.upper.isNaN)
        }
    }

    @Test func nonFinitePairsAreDropped() {
        let estimate = Correlation.pearson([1, 2, .nan, 3, 4], [2, 4, 5, .infinity, 9])
        #expect(estimate.n == 3)
        #expect(abs(estimate.coefficient - Correlation.pearson([1, 2, 4], [2, 4, 9]).coefficient) < 1e-15)
    }

    @Test func perfectCorrelation() {
        let estimate = Correlation.kendall([1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12])
        #expect(abs(estimate.coefficient - 1) < 1e-15)
        // Exact: 2 / 6! for the single most extreme ordering, two-sided.
        #expect(abs(estimate.pValue - 2.0 / 720) < 1e-15)
        #expect(Correlation.pearson([1, 2, 3, 4], [2, 4, 6, 8]).pValue < 1e-12)
    }

    @Test func normalQuantile() {
        #expect(abs(Normal.quantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(Normal.quantile(1e-10) - -6.361340902404056) < 1e-12)
        #expect(abs(Normal.quantile(0.3) - -0.5244005127080409) < 1e-14)
        #expect(Normal.quantile(0.5) == 0)
        #expect(Normal.quantile(0) == -.infinity)
        #expect(abs(Normal.sf(8) - 6.22096057427174e-16) < 1e-28)
    }
}
