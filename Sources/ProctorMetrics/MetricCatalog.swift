import ProctorCore

/// The metrics `proctor score` knows, by name.
public enum MetricCatalog {
    /// Every known name with a one-line description, in display order.
    public static let entries: [(name: String, summary: String)] = [
        ("exact_match", "SQuAD exact match after normalisation (lowercase, no punctuation/articles)"),
        ("f1", "SQuAD token F1 after the same normalisation"),
        ("rouge1", "ROUGE-1 precision/recall/F as rouge-score with the Porter stemmer"),
        ("rouge2", "ROUGE-2 precision/recall/F as rouge-score with the Porter stemmer"),
        ("rougeL", "ROUGE-L precision/recall/F as rouge-score with the Porter stemmer"),
        ("bleu", "sacrebleu BLEU, 13a tokenizer: corpus score, sentence BLEU per item (0-100)"),
        ("nltk_bleu", "NLTK sentence_bleu, method1 smoothing, whitespace tokens (0-1), mean"),
        ("chrf", "sacrebleu chrF (char order 6, beta 2): corpus score, sentence chrF per item"),
        ("classification", "scikit-learn classification_report and confusion matrix (lines are labels)"),
        ("json_valid", "share of predictions that are JSON (a lone ```json fence is accepted)"),
        ("json_schema", "share of predictions that are JSON and satisfy --schema FILE"),
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
