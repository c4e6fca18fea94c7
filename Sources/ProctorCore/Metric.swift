/// A reference metric: a pure function from (prediction, reference) pairs to per-item scores
/// and a corpus-level summary.
///
/// Metrics score a whole corpus at once so that corpus-level metrics (sacrebleu's BLEU and chrF
/// sum n-gram statistics over the corpus before dividing) and per-item metrics share one entry
/// point, and so that a metric can reuse its tokenizer state across items. One pair is scored
/// with ``Metric/score(prediction:reference:)``.
public protocol Metric: Sendable {
    /// The name used on the command line and in reports (`rougeL`, `bleu`, ...).
    var name: String { get }
    /// Whether the metric compares against a reference (false for format checks).
    var needsReference: Bool { get }
    /// The names of the per-item values, in the order of each row of ``MetricReport/items``.
    var itemColumns: [String] { get }
    /// Scores every item. `references` is nil only when ``needsReference`` is false;
    /// otherwise it has one entry per prediction.
    func evaluate(predictions: [String], references: [String]?) throws -> MetricReport
}

extension Metric {
    /// The per-item values for one pair, in ``itemColumns`` order.
    public func score(prediction: String, reference: String?) throws -> [Double] {
        try evaluate(predictions: [prediction], references: reference.map { [$0] }).items.first ?? []
    }
}

/// One named number in a metric's summary.
public struct MetricValue: Sendable, Equatable {
    public var name: String
    public var value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}

/// A square table of counts with labelled rows (true labels) and columns (predicted labels).
public struct LabeledMatrix: Sendable, Equatable {
    public var name: String
    public var labels: [String]
    /// `counts[row][column]`.
    public var counts: [[Int]]

    public init(name: String, labels: [String], counts: [[Int]]) {
        self.name = name
        self.labels = labels
        self.counts = counts
    }
}

/// What a metric computed over a corpus.
public struct MetricReport: Sendable, Equatable {
    /// The metric's name.
    public var metric: String
    /// Names of the per-item values.
    public var itemColumns: [String]
    /// One row per item, `itemColumns.count` values each.
    public var items: [[Double]]
    /// Corpus-level numbers, in display order (the first is the headline value).
    public var summary: [MetricValue]
    /// Tables such as a confusion matrix.
    public var matrices: [LabeledMatrix]

    public init(
        metric: String, itemColumns: [String], items: [[Double]], summary: [MetricValue],
        matrices: [LabeledMatrix] = []
    ) {
        self.metric = metric
        self.itemColumns = itemColumns
        self.items = items
        self.summary = summary
        self.matrices = matrices
    }

    /// The summary value with this name.
    public func value(_ name: String) -> Double? { summary.first { $0.name == name }?.value }
}
