import ProctorCore

/// A classification report as scikit-learn's `classification_report(y_true, y_pred)` and its
/// `confusion_matrix`, where each reference is a true label and each prediction a predicted
/// label (surrounding whitespace trimmed; labels compare exactly, case-sensitive).
///
/// Labels are the sorted union of both sides (code-point order, as numpy sorts strings).
/// Per class: precision = tp / predicted, recall = tp / support, F1 = 2·tp / (support +
/// predicted). A zero denominator gives 0, which is scikit-learn's default
/// `zero_division="warn"` without the warning. Macro averages are plain means over classes,
/// weighted averages weight by support; accuracy is the share of exact matches. Per item the
/// value is 1 when the labels match.
public struct ClassificationMetric: Metric {
    public var name: String { "classification" }
    public var needsReference: Bool { true }
    public var itemColumns: [String] { ["correct"] }

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let references = try MetricInput.references(references, count: predictions.count, metric: name)
        let predicted = predictions.map(Self.trimmed)
        let truth = references.map(Self.trimmed)
        let labels = Set(predicted + truth).sorted { Self.codePointLess($0, $1) }
        var index: [String: Int] = [:]
        for (position, label) in labels.enumerated() { index[label] = position }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        var items: [[Double]] = []
        items.reserveCapacity(predicted.count)
        for item in predicted.indices {
            confusion[index[truth[item]]!][index[predicted[item]]!] += 1
            items.append([truth[item] == predicted[item] ? 1 : 0])
        }
        var precision: [Double] = []
        var recall: [Double] = []
        var f1: [Double] = []
        var support: [Int] = []
        for label in labels.indices {
            let truePositives = confusion[label][label]
            let trueCount = confusion[label].reduce(0, +)
            let predictedCount = confusion.reduce(0) { $0 + $1[label] }
            precision.append(Self.divide(Double(truePositives), Double(predictedCount)))
            recall.append(Self.divide(Double(truePositives), Double(trueCount)))
            f1.append(Self.divide(2 * Double(truePositives), Double(trueCount + predictedCount)))
            support.append(trueCount)
        }
        let total = predicted.count
        let correct = labels.indices.reduce(0) { $0 + confusion[$1][$1] }
        var summary = [MetricValue("accuracy", Self.divide(Double(correct), Double(total)))]
        for (name, values) in [("precision", precision), ("recall", recall), ("f1", f1)] {
            summary.append(MetricValue("macro_\(name)", Self.mean(values)))
        }
        for (name, values) in [("precision", precision), ("recall", recall), ("f1", f1)] {
            summary.append(MetricValue("weighted_\(name)", Self.weightedMean(values, support)))
        }
        summary.append(MetricValue("support", Double(total)))
        for (position, label) in labels.enumerated() {
            summary.append(MetricValue("class[\(label)].precision", precision[position]))
            summary.append(MetricValue("class[\(label)].recall", recall[position]))
            summary.append(MetricValue("class[\(label)].f1", f1[position]))
            summary.append(MetricValue("class[\(label)].support", Double(support[position])))
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items, summary: summary,
            matrices: [LabeledMatrix(name: "confusion_matrix", labels: labels, counts: confusion)])
    }

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !TextScanning.isPythonSpace($0.value) }) else { return "" }
        let last = scalars.lastIndex(where: { !TextScanning.isPythonSpace($0.value) })!
        return String(scalars[first...last])
    }

    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    private static func divide(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    private static func weightedMean(_ values: [Double], _ weights: [Int]) -> Double {
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return 0 }
        var sum = 0.0
        for index in values.indices { sum += values[index] * Double(weights[index]) }
        return sum / Double(totalWeight)
    }
}
