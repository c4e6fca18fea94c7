import ProctorCore

/// Format compliance: the share of predictions that are JSON, and that satisfy a JSON Schema.
///
/// A prediction counts as JSON when, after trimming surrounding whitespace, it is one JSON
/// value (strict RFC 8259, see ``JSONParser``), or when the whole trimmed text is a single
/// Markdown code fence whose info string is empty or `json` (```` ```json … ``` ````) and the
/// fence's content is one JSON value. JSON surrounded by other prose does not count.
public enum FormatCompliance: Sendable {
    /// The JSON value in a prediction, or nil.
    public static func extractJSON(_ text: String) -> JSONValue? {
        var bytes = Array(text.utf8)
        trim(&bytes)
        if bytes.count >= 6 && bytes.starts(with: fence) && bytes.suffix(3).elementsEqual(fence) {
            guard let newline = bytes.firstIndex(of: 0x0A), newline <= bytes.count - 3 else { return nil }
            var info = Array(bytes[3..<newline])
            trim(&info)
            guard info.isEmpty || String(decoding: info, as: UTF8.self).lowercased() == "json" else { return nil }
            bytes = Array(bytes[(newline + 1)..<(bytes.count - 3)])
        }
        return try? JSONParser.parse(bytes)
    }

    private static let fence: [UInt8] = [0x60, 0x60, 0x60]

    private static func trim(_ bytes: inout [UInt8]) {
        while let last = bytes.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { bytes.removeLast() }
        var start = 0
        while start < bytes.count && (bytes[start] == 0x20 || (bytes[start] >= 0x09 && bytes[start] <= 0x0D)) {
            start += 1
        }
        if start > 0 { bytes.removeFirst(start) }
    }
}

/// Per item 1 when the prediction is JSON (see ``FormatCompliance``); the summary is the share.
public struct JSONValidMetric: Metric {
    public var name: String { "json_valid" }
    public var needsReference: Bool { false }
    public var itemColumns: [String] { ["json_valid"] }

    public init() {}

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let items = predictions.map { [FormatCompliance.extractJSON($0) == nil ? 0.0 : 1.0] }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns))
    }
}

/// Per item 1 when the prediction is JSON and satisfies the schema; the summary gives both shares.
public struct JSONSchemaMetric: Metric {
    public let schema: JSONSchema
    public var name: String { "json_schema" }
    public var needsReference: Bool { false }
    public var itemColumns: [String] { ["json_valid", "schema_valid"] }

    public init(schema: JSONSchema) { self.schema = schema }

    public func evaluate(predictions: [String], references: [String]?) throws -> MetricReport {
        let items: [[Double]] = predictions.map { prediction in
            guard let value = FormatCompliance.extractJSON(prediction) else { return [0, 0] }
            return [1, schema.validates(value) ? 1 : 0]
        }
        return MetricReport(
            metric: name, itemColumns: itemColumns, items: items,
            summary: MetricInput.columnMeans(items, names: itemColumns).reversed())
    }
}
