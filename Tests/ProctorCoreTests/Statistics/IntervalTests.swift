import Testing

@testable import ProctorCore

@Suite struct IntervalTests {
    @Test(arguments: StatisticsReference.intervals.indices)
    func normalAndClusteredMatchStatsmodels(_ index: Int) {
        let reference = StatisticsReference.intervals[index]
        let normal = MeanInterval.normal(reference.values)
        #expect(close(normal.estimate, reference.normal.0, 1e-12), "\(reference.name)")
        #expect(close(normal.standardError, reference.normal.1, 1e-12), "\(reference.name)")
        #expect(close(normal.lower, reference.normal.2, 1e-10), "\(reference.name)")
        #expect(close(normal.upper, reference.normal.3, 1e-10), "\(reference.name)")
        let clustered = MeanInterval.clustered(reference.values, clusters: reference.clusters)
        #expect(close(clustered.standardError, reference.clustered.0, 1e-10), "\(reference.name)")
        #expect(close(clustered.lower, reference.clustered.1, 1e-10), "\(reference.name)")
        #expect(close(clustered.upper, reference.clustered.2, 1e-10), "\(reference.name)")
    }

    /// SciPy's bootstrap uses another random stream, so the two intervals differ by Monte Carlo
    /// error: with B resamples an endpoint's sd is about sqrt(0.025·0.975/B)/φ(1.96) ≈ 0.027·SE
    /// at B = 10⁴, so about 0.02·SE combined for 4·10⁴ here and 5·10⁴ in SciPy (more in a skewed
    /// tail). 0.15·SE is several combined sds; a wrong method (percentile for BCa, a missing
    /// bias correction) is off by more on the skewed and clustered samples.
    @Test(arguments: StatisticsReference.intervals.indices)
    func bootstrapWithinMonteCarloErrorOfSciPy(_ index: Int) {
        let reference = StatisticsReference.intervals[index]
        let se = reference.normal.1
        let percentile = Bootstrap.mean(reference.values, resamples: 40_000, method: .percentile)
        #expect(abs(percentile.lower - reference.percentile.0) < 0.15 * se, "\(reference.name)")
        #expect(abs(percentile.upper - reference.percentile.1) < 0.15 * se, "\(reference.name)")
        #expect(abs(percentile.standardError - reference.percentile.2) < 0.05 * se, "\(reference.name)")
        let bca = Bootstrap.mean(reference.values, resamples: 40_000, method: .bca)
        #expect(abs(bca.lower - reference.bca.0) < 0.15 * se, "\(reference.name)")
        #expect(abs(bca.upper - reference.bca.1) < 0.15 * se, "\(reference.name)")
    }

    @Test func bootstrapIsReproducibleAndSeedDependent() {
        let values = (0..<200).map { Double(($0 * 37) % 11) }
        let first = Bootstrap.mean(values, resamples: 2000, seed: 1)
        #expect(first == Bootstrap.mean(values, resamples: 2000, seed: 1))
        #expect(first != Bootstrap.mean(values, resamples: 2000, seed: 2))
        var generator = SplitMix64(seed: 0)
        // Reference outputs of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func pairedBootstrapOfIdenticalRunsIsZero() {
        let a = (0..<50).map { Double($0 % 2) }
        let interval = Bootstrap.pairedDifference(a, a)
        #expect(interval.estimate == 0 && interval.lower == 0 && interval.upper == 0)
        // Against the analytic value: a shift of exactly 1 on every item.
        let shifted = Bootstrap.pairedDifference(a, a.map { $0 + 1 })
        #expect(shifted.lower == 1 && shifted.upper == 1)
    }

    @Test func clusteredWithOneClusterHasNoStandardError() {
        let interval = MeanInterval.clustered([1, 0, 1], clusters: ["x", "x", "x"])
        #expect(interval.estimate == 2.0 / 3 && interval.standardError.isNaN)
    }

    @Test(arguments: StatisticsReference.power.indices)
    func minimumDetectableEffectsMatchStatsmodels(_ index: Int) {
        let reference = StatisticsReference.power[index]
        switch reference.kind {
        case .means:
            let unpaired = Power.minimumDetectableEffect(
                n: reference.n, standardDeviation: reference.parameter, design: .unpaired)
            let paired = Power.minimumDetectableEffect(
                n: reference.n, standardDeviation: reference.parameter, design: .paired)
            #expect(close(unpaired, reference.unpaired, 1e-7))
            #expect(close(paired, reference.paired, 1e-7))
        case .proportions:
            let unpaired = Power.minimumDetectableProportionDifference(n: reference.n, baseline: reference.parameter)
            #expect(close(unpaired, reference.unpaired, 1e-7))
        }
        #expect(abs(Power.detectableShift() - 2.8015817571418333) < 1e-7)
    }
}
