import ProctorCore

/// ROUGE-1, ROUGE-2 and ROUGE-L exactly as Google's `rouge-score` (`RougeScorer([...],
/// use_stemmer=True).score(reference, prediction)`): precision, recall and F1 per item.
///
/// The summary is the mean of each per-item value (rouge-score's `BootstrapAggregator` reports
/// the same mean as its `mid` value up to resampling noise; Proctor reports the plain mean).
public struct RougeMetric: Metric {
    /// Which ROUGE.
    public enum Kind: String, Sendable, CaseIterable {
        case rouge1, rouge2, rougeL
    }

    public let kind: Kind
    public var name: String { kind.rawValue }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["precision", "recall", "fmeasure"] }

    public init(_ kind: Kind) { self.kind = kind }

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        var tokenizer = RougeTokenizer()
        var predictionTokens: [Int32] = []
        var referenceTokens: [Int32] = []
        var keysA: [NGramKey] = []
        var keysB: [NGramKey] = []
        var row: [Int32] = []
        var items: [[Double]] = []
        items.reserveCapacity(predictions.count)
        for index in predictions.indices {
            tokenizer.tokenize(predictions[index], into: &predictionTokens)
            tokenizer.tokenize(references[index], into: &referenceTokens)
            let scores: (Double, Double, Double)
            switch kind {
            case .rouge1, .rouge2:
                let order = kind == .rouge1 ? 1 : 2
                NGramOverlap.tokenKeys(predictionTokens, order: order, into: &keysA)
                NGramOverlap.tokenKeys(referenceTokens, order: order, into: &keysB)
                let overlap = Double(NGramOverlap.clippedMatches(keysA, keysB))
                let precision = overlap / Double(max(keysA.count, 1))
                let recall = overlap / Double(max(keysB.count, 1))
                scores = (precision, recall, Self.fmeasure(precision, recall))
            case .rougeL:
                if predictionTokens.isEmpty || referenceTokens.isEmpty {
                    scores = (0, 0, 0)
                } else {
                    let lcs = Double(Self.lcsLength(referenceTokens, predictionTokens, row: &row))
                    let precision = lcs / Double(predictionTokens.count)
                    let recall = lcs / Double(referenceTokens.count)
                    scores = (precision, recall, Self.fmeasure(precision, recall))
                }
            }
            items.append([scores.0, scores.1, scores.2])
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns))
    }

    static func fmeasure(_ precision: Double, _ recall: Double) -> Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    /// Length of the longest common subsequence, one DP row of `b.count + 1` cells.
    static func lcsLength(_ a: [Int32], _ b: [Int32], row: inout [Int32]) -> Int {
        row.removeAll(keepingCapacity: true)
        row.append(contentsOf: repeatElement(0, count: b.count + 1))
        return row.withUnsafeMutableBufferPointer { cells in
            a.withUnsafeBufferPointer { left in
                b.withUnsafeBufferPointer { right in
                    for i in 0..<left.count {
                        let token = left[i]
                        var diagonal: Int32 = 0
                        for j in 0..<right.count {
                            let above = cells[j + 1]
                            if right[j] == token {
                                cells[j + 1] = diagonal + 1
                            } else if cells[j] > above {
                                cells[j + 1] = cells[j]
                            }
                            diagonal = above
                        }
                    }
                    return Int(cells[right.count])
                }
            }
        }
    }
}
