import ProctorCore

/// sacrebleu's chrF with its defaults (character order 6, word order 0, β = 2, whitespace
/// removed, case-sensitive, no eps smoothing): the summary is `CHRF().corpus_score(...)`
/// (statistics summed over the corpus) and each item is `CHRF().sentence_score(...)`.
/// Characters are Unicode code points, as in Python. Scale 0–100.
public struct ChrFMetric: Metric {
    public var name: String { "chrf" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["chrf"] }

    static let order = 6
    static let beta = 2.0

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var hypothesis: [UInt32] = []
        var reference: [UInt32] = []
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        var counter = PrefixNGramCounter(maxOrder: Self.order, bits: 10)
        var corpus = [Int](repeating: 0, count: 3 * Self.order)
        var stats = corpus
        var items: [[Double]] = []
        items.reserveCapacity(predictions.count)
        for index in predictions.indices {
            TextScanning.scalarsWithoutSpace(predictions[index], into: &hypothesis)
            TextScanning.scalarsWithoutSpace(references[index], into: &reference)
            if let counts = counter.count(hypothesis, reference) {
                for (n, count) in counts.enumerated() {
                    // sacrebleu counts no hypothesis n-grams when the reference has none of that order.
                    stats[3 * n] = count.b == 0 ? 0 : count.a
                    stats[3 * n + 1] = count.b
                    stats[3 * n + 2] = count.matches
                }
            } else {
                for n in 1...Self.order {
                    NGramOverlap.scalarKeys(hypothesis, order: n, into: &keysA)
                    NGramOverlap.scalarKeys(reference, order: n, into: &keysB)
                    stats[3 * (n - 1)] = keysB.isEmpty ? 0 : keysA.count
                    stats[3 * (n - 1) + 1] = keysB.count
                    stats[3 * (n - 1) + 2] = NGramOverlap.clippedMatches(keysA, keysB)
                }
            }
            for slot in stats.indices { corpus[slot] += stats[slot] }
            items.append([Self.fScore(stats)])
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: [
                MetricValue("chrf", Self.fScore(corpus)),
                MetricValue("mean_sentence_chrf", MetricInput.columnMeans(items, names: ["chrf"])[0].value),
            ])
    }

    /// sacrebleu's `CHRF._compute_f_score` (effective-order averaging of precision and recall).
    static func fScore(_ stats: [Int]) -> Double {
        let epsilon = 1e-16
        let factor = beta * beta
        var averagePrecision = 0.0
        var averageRecall = 0.0
        var effectiveOrder = 0
        for n in 0..<order {
            let hypothesisCount = stats[3 * n]
            let referenceCount = stats[3 * n + 1]
            let matches = Double(stats[3 * n + 2])
            let precision = hypothesisCount > 0 ? matches / Double(hypothesisCount) : epsilon
            let recall = referenceCount > 0 ? matches / Double(referenceCount) : epsilon
            if hypothesisCount > 0 && referenceCount > 0 {
                averagePrecision += precision
                averageRecall += recall
                effectiveOrder += 1
            }
        }
        if effectiveOrder == 0 { return 0 }
        averagePrecision /= Double(effectiveOrder)
        averageRecall /= Double(effectiveOrder)
        guard averagePrecision + averageRecall != 0 else { return 0 }
        let score = (1 + factor) * averagePrecision * averageRecall / ((factor * averagePrecision) + averageRecall)
        return 100 * score
    }
}
