import Testing

@testable import ProctorCore

@Suite struct AgreementTests {
    @Test(arguments: StatisticsReference.kappas.indices)
    func matchesStatsmodels(_ index: Int) {
        let reference = StatisticsReference.kappas[index]
        let estimate =
            reference.weights == .none
            ? Agreement.cohenKappa(reference.a, reference.b)
            : Agreement.cohenKappa(reference.a, reference.b, weights: reference.weights)
        #expect(close(estimate.kappa, reference.kappa, 1e-12), "\(reference.name)")
        #expect(close(estimate.standardError, reference.standardError, 1e-12), "\(reference.name)")
        #expect(close(estimate.lower, reference.lower, 1e-9), "\(reference.name)")
        #expect(close(estimate.upper, reference.upper, 1e-9), "\(reference.name)")
        #expect(estimate.n == reference.a.count)
    }

    @Test func labelsOfAnyHashableType() {
        let judge = ["good", "bad", "good", "good", "bad", "good"]
        let human = ["good", "bad", "bad", "good", "bad", "good"]
        let estimate = Agreement.cohenKappa(judge, human)
        // p_o = 5/6; marginals judge (4 good, 2 bad), human (3, 3): p_e = (4*3 + 2*3)/36 = 1/2.
        #expect(abs(estimate.kappa - (5.0 / 6 - 0.5) / 0.5) < 1e-12)
        #expect(abs(estimate.observedAgreement - 5.0 / 6) < 1e-12)
        #expect(abs(Agreement.percentAgreement(judge, human) - 5.0 / 6) < 1e-12)
    }

    @Test func degenerateInputs() {
        #expect(Agreement.cohenKappa([Int](), []).kappa.isNaN)
        #expect(Agreement.cohenKappa([1, 1, 1], [1, 1, 1]).kappa.isNaN)
        #expect(Agreement.cohenKappa([1, 1, 1], [1, 1, 1]).observedAgreement == 1)
        #expect(Agreement.cohenKappa([1, 2], [1]).kappa.isNaN)
        #expect(Agreement.percentAgreement([Int](), []).isNaN)
        // Perfect agreement over two labels: kappa 1, zero standard error.
        let perfect = Agreement.cohenKappa([0, 1, 0, 1], [0, 1, 0, 1])
        #expect(perfect.kappa == 1 && perfect.standardError == 0)
    }
}
