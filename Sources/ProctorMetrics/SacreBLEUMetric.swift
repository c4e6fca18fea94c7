import Foundation
import ProctorCore

/// sacrebleu's BLEU with its defaults (13a tokenizer, exponential smoothing, case-sensitive,
/// one reference per item): the summary is `BLEU().corpus_score(predictions, [references])`
/// and each item is `sacrebleu.sentence_bleu(prediction, [reference])` (effective order).
/// Values are on sacrebleu's 0–100 scale.
public struct SacreBLEUMetric: Metric {
    public var name: String { "bleu" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["bleu"] }

    public init() {}

    /// sacrebleu's sufficient statistics for one segment or a corpus.
    struct Statistics {
        var hypothesisLength = 0
        var referenceLength = 0
        var correct = [0, 0, 0, 0]
        var total = [0, 0, 0, 0]

        mutating func add(_ other: Statistics) {
            hypothesisLength += other.hypothesisLength
            referenceLength += other.referenceLength
            for n in 0..<4 {
                correct[n] += other.correct[n]
                total[n] += other.total[n]
            }
        }
    }

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var tokenizer = Tokenizer13a()
        var hypothesis: [Int32] = []
        var reference: [Int32] = []
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        var counter = PrefixNGramCounter(maxOrder: 4, bits: 16)
        var corpus = Statistics()
        var items: [[Double]] = []
        items.reserveCapacity(predictions.count)
        for index in predictions.indices {
            tokenizer.tokenize(predictions[index], into: &hypothesis)
            tokenizer.tokenize(references[index], into: &reference)
            var stats = Statistics(hypothesisLength: hypothesis.count, referenceLength: reference.count)
            if let counts = counter.count(hypothesis.asUInt32, reference.asUInt32) {
                for (n, count) in counts.enumerated() {
                    stats.total[n] = count.a
                    stats.correct[n] = count.matches
                }
            } else {
                for n in 1...4 {
                    NGramOverlap.tokenKeys(hypothesis, order: n, into: &keysA)
                    NGramOverlap.tokenKeys(reference, order: n, into: &keysB)
                    stats.total[n - 1] = keysA.count
                    stats.correct[n - 1] = NGramOverlap.clippedMatches(keysA, keysB)
                }
            }
            corpus.add(stats)
            items.append([Self.score(stats, effectiveOrder: true).bleu])
        }
        let result = Self.score(corpus, effectiveOrder: false)
        var summary = [MetricValue("bleu", result.bleu)]
        for n in 0..<4 { summary.append(MetricValue("precision_\(n + 1)", result.precisions[n])) }
        summary.append(MetricValue("brevity_penalty", result.brevityPenalty))
        summary.append(MetricValue("hypothesis_length", Double(corpus.hypothesisLength)))
        summary.append(MetricValue("reference_length", Double(corpus.referenceLength)))
        summary.append(MetricValue("mean_sentence_bleu", MetricInput.columnMeans(items, names: ["bleu"])[0].value))
        return MetricReport(metric: name, itemColumns: itemColumns, items: items, summary: summary)
    }

    /// sacrebleu's `compute_bleu` with `smooth_method='exp'`.
    static func score(
        _ stats: Statistics, effectiveOrder: Bool
    ) -> (
        bleu: Double, precisions: [Double], brevityPenalty: Double
    ) {
        var brevityPenalty = 1.0
        if stats.hypothesisLength < stats.referenceLength {
            brevityPenalty =
                stats.hypothesisLength > 0
                ? exp(1 - Double(stats.referenceLength) / Double(stats.hypothesisLength)) : 0
        }
        var precisions = [0.0, 0.0, 0.0, 0.0]
        if !stats.correct.contains(where: { $0 != 0 }) { return (0, precisions, brevityPenalty) }
        var smooth = 1.0
        var order = 4
        for n in 1...4 {
            if stats.total[n - 1] == 0 { break }
            if effectiveOrder { order = n }
            if stats.correct[n - 1] == 0 {
                smooth *= 2
                precisions[n - 1] = 100 / (smooth * Double(stats.total[n - 1]))
            } else {
                precisions[n - 1] = 100 * Double(stats.correct[n - 1]) / Double(stats.total[n - 1])
            }
        }
        var logSum = 0.0
        for n in 0..<order { logSum += precisions[n] == 0 ? -9_999_999_999 : log(precisions[n]) }
        return (brevityPenalty * exp(logSum / Double(order)), precisions, brevityPenalty)
    }
}
