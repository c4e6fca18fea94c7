import ProctorCore

/// SQuAD exact match: 1 when the normalised prediction equals the normalised reference
/// (see ``SquadNormalizer``), else 0. The summary is the mean.
public struct ExactMatchMetric: Metric {
    public var name: String { "exact_match" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["exact_match"] }

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var normalizer = SquadNormalizer()
        var predictionTokens: [Int32] = []
        var referenceTokens: [Int32] = []
        let items: [[Double]] = predictions.indices.map { index in
            normalizer.tokens(predictions[index], into: &predictionTokens)
            normalizer.tokens(references[index], into: &referenceTokens)
            return [predictionTokens == referenceTokens ? 1 : 0]
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns))
    }
}

/// SQuAD token F1 (official v2.0 script's `compute_f1`): harmonic mean of token precision and
/// recall over the normalised whitespace tokens, counting each token as often as it occurs in
/// both. When either side has no tokens the score is 1 if both are empty, else 0.
public struct TokenF1Metric: Metric {
    public var name: String { "f1" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["f1"] }

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var normalizer = SquadNormalizer()
        var predictionTokens: [Int32] = []
        var referenceTokens: [Int32] = []
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        let items: [[Double]] = predictions.indices.map { index in
            normalizer.tokens(predictions[index], into: &predictionTokens)
            normalizer.tokens(references[index], into: &referenceTokens)
            if predictionTokens.isEmpty || referenceTokens.isEmpty {
                return [predictionTokens.isEmpty && referenceTokens.isEmpty ? 1 : 0]
            }
            NGramOverlap.tokenKeys(predictionTokens, order: 1, into: &keysA)
            NGramOverlap.tokenKeys(referenceTokens, order: 1, into: &keysB)
            let same = NGramOverlap.clippedMatches(keysA, keysB)
            if same == 0 { return [0] }
            let precision = Double(same) / Double(predictionTokens.count)
            let recall = Double(same) / Double(referenceTokens.count)
            return [(2 * precision * recall) / (precision + recall)]
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns))
    }
}
