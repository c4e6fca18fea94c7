import ProctorCore

/// The metrics `proctor score` knows, by name.
public enum MetricCatalog: Sendable {
    /// Every known name with a one-line description, in display order.
    public static let entries: [(name: String, summary: String)] = [
        ("exact_match", "SQuAD exact match (normalised text)"),
        ("f1", "SQuAD token F1 (normalised text)"),
        ("rouge1", "rouge-score ROUGE-1 P/R/F, Porter stemmer"),
        ("rouge2", "rouge-score ROUGE-2 P/R/F, Porter stemmer"),
        ("rougeL", "rouge-score ROUGE-L P/R/F, Porter stemmer"),
        ("bleu", "sacrebleu BLEU (13a), corpus + per sentence, 0-100"),
        ("nltk_bleu", "NLTK sentence_bleu, method1, split(), 0-1"),
        ("chrf", "sacrebleu chrF (6, beta 2), corpus + per sentence"),
        ("classification", "sklearn classification report + confusion matrix"),
        ("json_valid", "share that is JSON (one ```json fence allowed)"),
        ("json_schema", "share that is JSON and satisfies --schema FILE"),
    ]

    /// Every known name.
    public static var names: [String] { entries.map(\.name) }

    /// The metric with this name; `schema` is needed by `json_schema`.
    public static func metric(named name: String, schema: JSONSchema? = nil) throws -> any Metric {
        switch name {
        case "exact_match", "em": return ExactMatchMetric()
        case "f1": return TokenF1Metric()
        case "rouge1": return RougeMetric(.rouge1)
        case "rouge2": return RougeMetric(.rouge2)
        case "rougeL": return RougeMetric(.rougeL)
        case "bleu", "sacrebleu": return SacreBLEUMetric()
        case "nltk_bleu": return NLTKBLEUMetric()
        case "chrf": return ChrFMetric()
        case "classification": return ClassificationMetric()
        case "json_valid": return JSONValidMetric()
        case "json_schema":
            guard let schema else {
                throw ProctorError.invalidArgument(
                    "metric 'json_schema' needs a JSON Schema: give --schema FILE", field: "schema")
            }
            return JSONSchemaMetric(schema: schema)
        default:
            throw ProctorError.invalidArgument(
                "unknown metric '\(name)'; known metrics: \(names.joined(separator: ", "))", field: "metric")
        }
    }
}
