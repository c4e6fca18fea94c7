import Foundation
import ProctorCore

/// NLTK's `sentence_bleu([reference_tokens], prediction_tokens,
/// smoothing_function=SmoothingFunction().method1)` with the default weights (0.25 × 4), where
/// tokens are `text.split()` (Python whitespace, case kept, punctuation attached). Scale 0–1.
/// The summary is the mean over items.
public struct NLTKBLEUMetric: Metric {
    public var name: String { "nltk_bleu" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["nltk_bleu"] }

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var table = TokenTable()
        var hypothesis: [Int32] = []
        var reference: [Int32] = []
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        var counter = PrefixNGramCounter(maxOrder: 4, bits: 16)
        var items: [[Double]] = []
        items.reserveCapacity(predictions.count)
        for index in predictions.indices {
            TextScanning.splitWhitespace(Array(predictions[index].utf8), into: &table, tokens: &hypothesis)
            TextScanning.splitWhitespace(Array(references[index].utf8), into: &table, tokens: &reference)
            var numerators = [0, 0, 0, 0]
            var denominators = [1, 1, 1, 1]
            if let counts = counter.count(hypothesis.asUInt32, reference.asUInt32) {
                for (n, count) in counts.enumerated() {
                    numerators[n] = count.matches
                    denominators[n] = max(1, count.a)
                }
            } else {
                for n in 1...4 {
                    NGramOverlap.tokenKeys(hypothesis, order: n, into: &keysA)
                    NGramOverlap.tokenKeys(reference, order: n, into: &keysB)
                    numerators[n - 1] = NGramOverlap.clippedMatches(keysA, keysB)
                    denominators[n - 1] = max(1, keysA.count)
                }
            }
            items.append([Self.score(numerators, denominators, hypothesis.count, reference.count)])
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns))
    }

    static func score(
        _ numerators: [Int], _ denominators: [Int], _ hypothesisLength: Int, _ referenceLength: Int
    )
        -> Double
    {
        if numerators[0] == 0 { return 0 }
        let brevityPenalty: Double
        if hypothesisLength > referenceLength {
            brevityPenalty = 1
        } else if hypothesisLength == 0 {
            brevityPenalty = 0
        } else {
            brevityPenalty = exp(1 - Double(referenceLength) / Double(hypothesisLength))
        }
        var logSum = 0.0
        for n in 0..<4 {
            // method1: a zero count becomes epsilon (0.1) over the same denominator.
            let precision = (numerators[n] == 0 ? 0.1 : Double(numerators[n])) / Double(denominators[n])
            logSum += 0.25 * log(precision)
        }
        return brevityPenalty * exp(logSum)
    }
}
