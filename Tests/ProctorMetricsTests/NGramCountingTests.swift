import Testing

@testable import ProctorMetrics

/// The one-sort n-gram counter agrees with the per-order sorted-key counter, and declines pairs
/// with more distinct values than its id width (callers then take the per-order path).
@Suite("N-gram counting")
struct NGramCountingTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: UInt32) -> UInt32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt32(truncatingIfNeeded: state >> 33) % bound
        }
    }

    @Test(arguments: [1, 2, 7, 40])
    func agreesWithPerOrderCounting(alphabet: Int) throws {
        var generator = Generator(state: UInt64(alphabet))
        var counter = PrefixNGramCounter(maxOrder: 6, bits: 10)
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        for length in [0, 1, 3, 6, 50, 300] {
            let a = (0..<length).map { _ in generator.next(UInt32(alphabet)) + 0x4E00 }
            let b = (0..<(length / 2 + 2)).map { _ in generator.next(UInt32(alphabet)) + 0x4E00 }
            let result = counter.count(a, b)
            let counts = try #require(result)
            for order in 1...6 {
                NGramOverlap.scalarKeys(a, order: order, into: &keysA)
                NGramOverlap.scalarKeys(b, order: order, into: &keysB)
                #expect(counts[order - 1].a == keysA.count)
                #expect(counts[order - 1].b == keysB.count)
                #expect(counts[order - 1].matches == NGramOverlap.clippedMatches(keysA, keysB))
            }
        }
    }

    @Test func declinesTooManyDistinctValues() {
        var counter = PrefixNGramCounter(maxOrder: 6, bits: 10)
        #expect(counter.count(Array(0..<1023), []) != nil)
        #expect(counter.count(Array(0..<1024), []) == nil)
        #expect(counter.count([5, 5], [5]) != nil)  // usable again after declining
    }

    @Test func chrFBeyondTheFastPathMatchesSacrebleu() throws {
        // 1,100 distinct CJK characters force the per-order path; the prediction is the first half.
        let reference = String(String.UnicodeScalarView((0..<1100).map { Unicode.Scalar(0x4E00 + $0)! }))
        let prediction = String(reference.prefix(550))
        let value = try ChrFMetric().score(prediction: prediction, reference: reference)[0]
        // sacrebleu: CHRF().sentence_score(prediction, [reference]).score
        #expect(abs(value - 55.44291806267564) < 1e-9)
    }
}
