import ProctorCore
import Synchronization
import Testing

@Suite struct StatisticsTests {
    @Test func studentTQuantilesMatchTables() {
        // Reference values from scipy.stats.t.ppf.
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 9) - 2.2621571628) < 1e-8)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1) - 12.7062047362) < 1e-7)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 109) - 1.9819674) < 1e-6)
        #expect(abs(StudentT.quantile(0.5, degreesOfFreedom: 5)) < 1e-7)
        #expect(abs(StudentT.cdf(2.0, degreesOfFreedom: 3) - 0.9303370) < 1e-6)
    }

    @Test func meanEstimate() throws {
        let estimate = try #require(MeanEstimate([50, 60, 70, 80, 90]))
        #expect(estimate.mean == 70)
        #expect(abs(estimate.standardDeviation - 15.8113883) < 1e-6)
        // t(0.975, 4) = 2.7764451; margin = t * sd / sqrt(5)
        #expect(abs(estimate.margin - 2.7764451 * 15.8113883 / 5.0.squareRoot()) < 1e-5)
        #expect(MeanEstimate([]) == nil)
        #expect(MeanEstimate([42])?.upper == .infinity)
    }

    @Test func concurrentMapKeepsOrderAndCap() async {
        let results = await concurrentMap(Array(0..<50), limit: 4) { index, value in
            try? await Task.sleep(for: .milliseconds(value % 3))
            return index * 10 + value
        }
        #expect(results == (0..<50).map { $0 * 11 })
    }

    @Test func semaphoreCapsConcurrency() async {
        let semaphore = AsyncSemaphore(value: 2)
        let tracker = InFlightTracker()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await semaphore.withPermit {
                        tracker.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        tracker.leave()
                    }
                }
            }
        }
        #expect(tracker.maximum == 2)
    }
}

final class InFlightTracker: Sendable {
    private let state = Mutex((current: 0, maximum: 0))
    func enter() {
        state.withLock {
            $0.current += 1; $0.maximum = max($0.maximum, $0.current)
        }
    }
    func leave() { state.withLock { $0.current -= 1 } }
    var maximum: Int { state.withLock { $0.maximum } }
}
