import ProctorCore

/// Checks and small aggregations shared by the metrics.
enum MetricInput {
    /// The references, or an error when a reference-based metric got none or a different count.
    static func references(_ references: [String]?, count: Int, metric: String) throws -> [String] {
        guard let references else {
            throw ProctorError.invalidArgument(
                "metric '\(metric)' compares predictions with references; give references", field: "references")
        }
        guard references.count == count else {
            throw ProctorError.invalidArgument(
                "metric '\(metric)': \(count) predictions but \(references.count) references", field: "references")
        }
        return references
    }

    /// The mean of each column (0 for an empty corpus), named.
    static func columnMeans(_ items: [[Double]], names: [String], prefix: String = "") -> [MetricValue] {
        names.indices.map { column in
            var sum = 0.0
            for item in items { sum += item[column] }
            return MetricValue(prefix + names[column], items.isEmpty ? 0 : sum / Double(items.count))
        }
    }
}
