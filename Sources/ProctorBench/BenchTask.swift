import ProctorCore

/// A task with its documents loaded and its requests built.
///
/// `load` resolves the data files (data directory, cache, download) and renders every
/// document up front, so template and data errors surface before any model call.
public struct BenchTask: Sendable {
    public let definition: TaskDefinition
    /// The evaluated documents (after `limit`).
    public let documents: [BenchDocument]
    /// Rows in the evaluated file before `limit`.
    public let originalCount: Int
    /// Few-shot examples actually in use (after `num_fewshot` override).
    public let numFewshot: Int
    /// One instance per document, in document order.
    public let instances: [BenchInstance]

    public var name: String { definition.name }

    /// Loads the task's files through `resolver` and builds its requests.
    /// - Parameters:
    ///   - limit: evaluate only the first `limit` documents (lm-eval's `--limit N`).
    ///   - numFewshot: overrides the task file's `num_fewshot`.
    public static func load(
        _ definition: TaskDefinition, resolver: DatasetResolver, limit: Int? = nil, numFewshot: Int? = nil
    ) async throws -> BenchTask {
        let rows = try await resolver.rows(for: definition.dataset, task: definition.name)
        var fewshotRows: [DatasetRow]? = nil
        if let spec = definition.fewshotDataset, (numFewshot ?? definition.numFewshot) > 0 {
            fewshotRows = try await resolver.rows(for: spec, task: definition.name)
        }
        return try BenchTask(
            definition: definition, rows: rows, fewshotRows: fewshotRows, limit: limit, numFewshot: numFewshot)
    }

    /// Builds a task from rows already read (`fewshotRows` nil means few-shot examples come
    /// from `rows` itself, skipping the document being evaluated, as lm-eval does).
    public init(
        definition: TaskDefinition, rows: [DatasetRow], fewshotRows: [DatasetRow]? = nil, limit: Int? = nil,
        numFewshot: Int? = nil
    ) throws {
        try Self.validate(limit: limit, numFewshot: numFewshot)
        self.definition = definition
        self.originalCount = rows.count
        let shots = numFewshot ?? definition.numFewshot
        self.numFewshot = shots
        let evaluated = limit.map { Array(rows.prefix($0)) } ?? rows
        var documents: [BenchDocument] = []
        documents.reserveCapacity(evaluated.count)
        for (index, row) in evaluated.enumerated() {
            documents.append(
                try BenchDocument.make(row: row, docID: index, definition: definition, isFirstRow: index == 0))
        }
        self.documents = documents

        var pool: [BenchDocument] = []
        var poolIsEvaluatedFile = false
        if shots > 0 {
            if let fewshotRows {
                for (index, row) in fewshotRows.enumerated() {
                    pool.append(
                        try BenchDocument.make(row: row, docID: index, definition: definition, isFirstRow: index == 0))
                }
            } else {
                poolIsEvaluatedFile = true
                for (index, row) in rows.enumerated() {
                    pool.append(
                        index < documents.count
                            ? documents[index]
                            : try BenchDocument.make(row: row, docID: index, definition: definition, isFirstRow: false))
                }
            }
            guard pool.count >= shots + (poolIsEvaluatedFile ? 1 : 0) else {
                throw ProctorError.invalidValue(
                    "num_fewshot",
                    "\(shots) few-shot examples asked, but the few-shot file has only \(pool.count) rows",
                    file: definition.location(of: "num_fewshot"))
            }
        }
        var sampler = FewshotContextBuilder(
            definition: definition, pool: pool, shots: shots, sameFile: poolIsEvaluatedFile)
        self.instances = documents.map { document in
            let prefix = definition.description + sampler.block(for: document)
            return BenchInstance(
                task: definition.name, docID: document.docID, prefix: prefix, context: prefix + document.prompt,
                request: Self.request(for: document, context: prefix + document.prompt, definition: definition))
        }
    }

    /// Checks `--limit` and `--num-fewshot` values; the CLI calls this before loading anything.
    public static func validate(limit: Int?, numFewshot: Int?) throws {
        if let limit, limit < 1 {
            throw ProctorError.invalidArgument("--limit must be 1 or more (got \(limit))", field: "limit")
        }
        if let numFewshot, numFewshot < 0 {
            throw ProctorError.invalidArgument(
                "--num-fewshot must be 0 or more (got \(numFewshot))", field: "num_fewshot")
        }
    }

    static func request(for document: BenchDocument, context: String, definition: TaskDefinition) -> BenchRequest {
        switch definition.outputType {
        case .multipleChoice:
            return .loglikelihood(
                document.choices.map {
                    LoglikelihoodRequest(context: context, continuation: definition.targetDelimiter + $0)
                })
        case .loglikelihood:
            return .loglikelihood([LoglikelihoodRequest(context: context, continuation: document.target)])
        case .generateUntil:
            let settings = GenerationSettings(
                maxTokens: definition.generation.maxTokens, temperature: definition.generation.temperature,
                stop: definition.generation.until)
            return .generation(GenerationRequest(prompt: .text(context), settings: settings))
        case .loglikelihoodRolling:
            return .rolling(document.target)
        }
    }

    /// The document an instance belongs to.
    public func document(for instance: BenchInstance) -> BenchDocument? {
        instance.docID >= 0 && instance.docID < documents.count ? documents[instance.docID] : nil
    }
}

/// Builds each document's few-shot block: examples rendered as
/// `prompt + target_delimiter + answer + fewshot_delimiter`, as lm-eval's `ContextSampler`.
struct FewshotContextBuilder {
    let definition: TaskDefinition
    let pool: [BenchDocument]
    let shots: Int
    let sameFile: Bool
    var random: PythonRandom
    /// `first_n` from another file gives every document the same block; built once.
    private var fixedBlock: String?

    init(definition: TaskDefinition, pool: [BenchDocument], shots: Int, sameFile: Bool) {
        self.definition = definition
        self.pool = pool
        self.shots = shots
        self.sameFile = sameFile
        self.random = PythonRandom(seed: definition.fewshotSeed)
    }

    mutating func block(for document: BenchDocument) -> String {
        guard shots > 0 else { return "" }
        if let fixedBlock { return fixedBlock }
        let drawn = sameFile ? shots + 1 : shots
        let indices: [Int]
        switch definition.fewshotSampler {
        case .firstN: indices = Array(0..<min(drawn, pool.count))
        case .random: indices = random.sampleIndices(populationSize: pool.count, count: min(drawn, pool.count))
        }
        let examples = indices.map { pool[$0] }.filter { !(sameFile && $0.fields == document.fields) }.prefix(shots)
        let text = examples.map { example in
            example.prompt + definition.targetDelimiter + example.fewshotAnswer + definition.fewshotDelimiter
        }.joined()
        if definition.fewshotSampler == .firstN && !sameFile { fixedBlock = text }
        return text
    }
}
