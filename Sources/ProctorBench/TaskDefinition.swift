import ProctorCore

/// How a task asks the model (lm-eval's `output_type`).
public enum BenchOutputType: String, Sendable, Hashable, Codable, CaseIterable {
    /// One loglikelihood request per choice; the best-scored choice is the answer.
    case multipleChoice = "multiple_choice"
    /// Free generation until a stop sequence; answers are extracted by regex filters.
    case generateUntil = "generate_until"
    /// The loglikelihood of a whole text, for perplexity.
    case loglikelihoodRolling = "loglikelihood_rolling"
    /// The loglikelihood of one continuation (the target) after the prompt.
    case loglikelihood
}

/// Where a data file lives and how to read it.
public struct DatasetSpec: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One JSON object per line.
        case jsonl
        /// A JSON array of objects (or an object whose `records` key holds the array).
        case json
        /// Comma-separated values; `columns` names the fields when the file has no header row.
        case csv
        /// One value per line (PIQA's label files).
        case lines
    }

    /// Path relative to the data directory (`--data-dir`), e.g. `arc/ARC-Easy-Dev.jsonl`.
    public var path: String
    public var format: Format
    /// Where to download the file when it is not in the data directory.
    public var url: String?
    /// CSV column names for files without a header row.
    public var columns: [String]?
    /// For `json`: the key of the array inside a top-level object.
    public var records: String?
    /// A file of one value per line, aligned with the rows, merged in as one field.
    public var labels: LabelsSpec?

    public struct LabelsSpec: Sendable, Hashable {
        public var path: String
        public var url: String?
        /// The field name the value gets in each row.
        public var field: String
    }
}

/// A field computed from each row before the prompt templates run (lm-eval's `process_docs`).
public struct DerivedField: Sendable, Hashable {
    public var name: String
    public var template: Template
    /// Filters applied to the rendered value (to each element when it is a list).
    public var filters: Template?
}

/// Where a task's choices come from.
public enum ChoiceSpec: Sendable, Hashable {
    /// One template that evaluates to a list (`{{question.choices.text}}`).
    case template(Template)
    /// One template per choice (`["{{sol1}}", "{{sol2}}"]`, or plain strings like `[A, B, C, D]`).
    case list([Template])
}

/// A metric the task reports, with its options.
public struct MetricSpec: Sendable, Hashable {
    public var name: String
    public var higherIsBetter: Bool
    /// exact_match: compare case-insensitively.
    public var ignoreCase: Bool = false
    /// exact_match: drop ASCII punctuation before comparing.
    public var ignorePunctuation: Bool = false
    /// exact_match: regular expressions removed from prediction and reference first.
    public var regexesToIgnore: [String] = []
}

/// An answer-extraction filter for generated text (lm-eval's `filter_list` entry with a
/// `regex` step followed by `take_first`).
public struct ExtractionFilter: Sendable, Hashable {
    public var name: String
    /// The pattern; its captured groups (or the whole match when it has none) are the answer.
    public var pattern: String
    /// Which match to keep: 0 the first, -1 the last.
    public var groupSelect: Int = 0
    /// The answer when nothing matches.
    public var fallback: String = "[invalid]"
}

/// How a task generates (generate_until tasks).
public struct GenerationSpec: Sendable, Hashable {
    public var until: [String] = []
    public var maxTokens: Int = 256
    public var temperature: Double = 0
}

/// How few-shot examples are chosen.
public enum FewshotSampler: String, Sendable, Hashable, CaseIterable {
    /// The first `num_fewshot` rows of the few-shot file, the same for every document.
    case firstN = "first_n"
    /// `random.Random(seed).sample(rows, n)` as Python computes it, one draw per document in
    /// document order (lm-eval's default sampler).
    case random
}

/// Special scoring that replaces the output type's default (lm-eval's `process_results`).
public enum ResultProcessor: String, Sendable, Hashable {
    /// TruthfulQA MC2: the normalised probability mass of the true answers, reported as `acc`.
    case mc2
}

/// One task as its YAML file declares it, after `subtasks` expansion.
public struct TaskDefinition: Sendable, Hashable {
    public var name: String
    /// The task file, for messages (`<built-in>/arc_easy.yaml` for built-ins).
    public var sourceFile: String
    /// The line of each top-level key in `sourceFile`, for messages.
    public var keyLines: [String: Int]
    public var alias: String?
    public var outputType: BenchOutputType
    public var version: JSONValue
    /// Enclosing groups, outermost first: `["mmlu", "mmlu_stem"]`.
    public var groups: [String]
    public var dataset: DatasetSpec
    public var fewshotDataset: DatasetSpec?
    public var numFewshot: Int
    public var fewshotSampler: FewshotSampler
    public var fewshotSeed: UInt64
    public var fewshotDelimiter: String
    public var targetDelimiter: String
    /// Text put before the few-shot block (MMLU's subject line).
    public var description: String
    public var processDocs: [DerivedField]
    public var docToText: Template
    public var docToChoice: ChoiceSpec?
    public var docToTarget: Template
    public var metrics: [MetricSpec]
    public var filters: [ExtractionFilter]
    public var generation: GenerationSpec
    public var resultProcessor: ResultProcessor?
    /// The task's settings as JSON, for the `configs` section of results.
    public var config: JSONValue

    /// Metric keys as lm-eval writes them (`acc,none`, `exact_match,strict-match`).
    public var filterNames: [String] {
        outputType == .generateUntil && !filters.isEmpty ? filters.map(\.name) : ["none"]
    }

    /// `file:line` of a top-level key, for messages.
    func location(of key: String) -> String {
        keyLines[key].map { "\(sourceFile):\($0)" } ?? sourceFile
    }
}

/// A group of tasks reported together (MMLU and its four categories).
public struct TaskGroupDefinition: Sendable, Hashable {
    public var name: String
    public var alias: String?
    /// Direct members (tasks or groups), in declaration order.
    public var members: [String]
    /// Aggregate the members' means weighted by their sample counts (lm-eval's `weight_by_size`).
    public var weightBySize: Bool = true
    public var version: JSONValue = .int(1)
}
