import ArgumentParser
import Foundation
import Logging
import ProctorCore

struct IFTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ift",
        abstract: "Instruction-following test: generate answers, have a judge score each 0-100 against the reference.",
        discussion: """
            The flow of chapter 7 of "Build a Large Language Model (from Scratch)". The data file is \
            Alpaca-format JSON (a list of objects with "instruction", optional "input", and "output"). By \
            default it is split in file order into 85% train, 10% test and 5% validation, and the test part \
            is evaluated; --split all evaluates every item.

            Each model answers the Alpaca prompt ("Below is an instruction that describes a task. ..."); \
            instruct models get it through their chat template, base models as raw text. The judge then \
            scores every answer with the book's prompt (replace it with --judge-template FILE, which must \
            contain {{input}}, {{reference}} and {{response}}). A reply without a clean integer is read \
            leniently, asked again up to --judge-retries times, and otherwise kept as unparsed: the table \
            says "scored N of M".

            Writes OUT/<model>-responses.json per model (entries with model_response, score and the judge's \
            raw reply) and OUT/summary.json, then prints the table.

            Example:
              proctor ift --data Examples/demo/ift-demo.json --split all \\
                --model local:smollm2-135m-instruct --model local:gemma3-270m \\
                --judge local:smollm2-135m-instruct
            """
    )

    @Option(help: ArgumentHelp("Alpaca-format JSON or JSONL file.", valueName: "file"))
    var data: String

    @Option(name: .customLong("model"), help: ArgumentHelp("Model to evaluate (repeatable).", valueName: "spec"))
    var models: [String] = []

    @Option(help: ArgumentHelp("Model that scores the answers.", valueName: "spec"))
    var judge: String

    @Option(help: "Which part to evaluate: test (10% after the first 85%), all, train or validation.")
    var split: String = "test"

    @Option(help: "Shuffle with this seed before splitting (default: file order, as the book does).")
    var shuffleSeed: UInt64?

    @Option(help: "Evaluate only the first N items of the chosen part.")
    var limit: Int?

    @Option(help: ArgumentHelp("Folder for the annotated JSON files.", valueName: "dir"))
    var out: String = "proctor-out/ift"

    @Option(help: "Most new tokens per answer.")
    var maxTokens: Int = 256

    @Option(help: "Prompt style for the evaluated models: auto (chat for instruct models, raw for base), chat, raw.")
    var promptStyle: String = "auto"

    @Option(help: ArgumentHelp("Judge prompt template file.", valueName: "file"))
    var judgeTemplate: String?

    @Option(help: "How many times to ask the judge again when its reply holds no score.")
    var judgeRetries: Int = 2

    @Flag(help: "Print no progress.")
    var quiet = false

    @OptionGroup var http: HTTPOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if models.isEmpty { throw ValidationError("give at least one --model SPEC") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1") }
        if maxTokens <= 0 { throw ValidationError("--max-tokens must be at least 1") }
        if judgeRetries < 0 { throw ValidationError("--judge-retries cannot be negative") }
        if InstructionSplit(rawValue: split) == nil {
            throw ValidationError("--split must be one of: test, all, train, validation")
        }
        if !["auto", "chat", "raw"].contains(promptStyle) {
            throw ValidationError("--prompt-style must be auto, chat or raw")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.ift")
        // Read and check every input before loading any model.
        let dataDigest = try RequestFingerprint.fileDigest(path: data)
        var items = InstructionSplit(rawValue: split)!.select(
            try AlpacaDataset(path: data).load(), shuffleSeed: shuffleSeed)
        if let limit { items = Array(items.prefix(limit)) }
        guard !items.isEmpty else {
            throw ProctorError.invalidArgument("the \(split) part of \(data) holds no items", field: "split")
        }
        let template =
            try judgeTemplate.map {
                try PromptTemplate(contentsOf: $0, required: AlpacaPrompt.judgePlaceholders)
            } ?? AlpacaPrompt.defaultJudgeTemplate()
        for spec in models + [judge] { _ = try ModelSpec(parsing: spec) }
        try await storeOptions.withOptionalStore(logger: logger) { store in
            try await execute(store: store, items: items, template: template, dataDigest: dataDigest, logger: logger)
        }
    }

    private func execute(
        store: (any ResultStore)?, items: [InstructionItem], template: PromptTemplate, dataDigest: String,
        logger: Logger
    ) async throws {

        let progress = ConsoleProgress(quiet: quiet)
        let generation = GenerationSettings(maxTokens: maxTokens, temperature: 0, seed: 0)
        let test = InstructionTest(
            generation: generation, promptStyle: PromptStyle(rawValue: promptStyle), logger: logger)
        let modelCalls = CallCounter()
        let (runID, evaluations) = try await BackendFactory.withFactory(logger: logger) { factory in
            http.apply(to: factory)
            let judgeLoaded = try factory.backend(for: judge)
            let loaded = try models.map { try factory.backend(for: $0) }
            let judgeIdentity = try await factory.identity(
                of: judgeLoaded.spec, backend: judgeLoaded.backend, store: store)
            var identities: [ModelIdentity] = []
            for (spec, backend) in loaded {
                identities.append(try await factory.identity(of: spec, backend: backend, store: store))
            }
            let config = IFTRunConfig(
                data: data, dataSHA256: dataDigest, split: split, shuffleSeed: shuffleSeed, limit: limit,
                models: identities.map(\.canonical), judge: judgeIdentity.canonical, judgeTemplate: template.text,
                judgeRetries: judgeRetries, generation: generation, promptStyle: promptStyle)
            let configJSON = try config.json()
            let runID = "ift-" + RequestFingerprint.sha256Hex(Data(configJSON.utf8)).prefix(12)
            if let store {
                _ = try await store.beginRun(
                    RunRecord(
                        id: runID, kind: "ift", arguments: Array(CommandLine.arguments.dropFirst()),
                        config: configJSON, models: models, tasks: [data]))
                logger.info("run", metadata: ["id": "\(runID)", "store": "\(store.location)"])
            }
            func cached(_ backend: any ModelBackend, _ identity: ModelIdentity) -> any ModelBackend {
                guard let store else { return CountingBackend(base: backend, calls: modelCalls) }
                return CachedBackend(
                    base: backend, identity: identity, store: store, runID: runID, enabled: !storeOptions.noCache,
                    modelCalls: modelCalls)
            }
            let scorer = ScoreJudge(
                backend: cached(judgeLoaded.backend, judgeIdentity), template: template, maxReasks: judgeRetries)
            var results: [ModelEvaluation] = []
            do {
                for ((spec, backend), identity) in zip(loaded, identities) {
                    var evaluation = await test.generate(
                        items: items, spec: spec.description, backend: cached(backend, identity), progress: progress)
                    _ = try EvaluationWriter.writeEntries(evaluation, directory: out, slug: spec.fileSlug)
                    evaluation = await test.judge(evaluation, with: scorer, progress: progress)
                    let path = try EvaluationWriter.writeEntries(evaluation, directory: out, slug: spec.fileSlug)
                    try await store?.saveRecords(
                        runID: runID, group: spec.description,
                        records: try evaluation.entries.enumerated().map {
                            ($0.offset, try IFTRunConfig.encode($0.element))
                        })
                    logger.info("wrote annotated answers", metadata: ["file": "\(path)"])
                    results.append(evaluation)
                }
            } catch {
                try? await store?.finishRun(id: runID, status: .failed, summary: nil)
                throw error
            }
            return (runID, results)
        }
        let summary = IFTSummary(data: data, split: split, items: items.count, judge: judge, evaluations: evaluations)
        try EvaluationWriter.write(summary, to: "\(out)/summary.json")
        try await store?.finishRun(id: runID, status: .finished, summary: try summary.headline())
        print(summary.table())
        print("Annotated answers and summary.json in \(out)/")
        if let store {
            print(
                "Run \(runID) in \(store.location): \(modelCalls.value) model calls (the rest answered from the store)")
        } else {
            print("\(modelCalls.value) model calls (nothing recorded: --store none)")
        }
    }
}

/// Everything that decides an IFT run's answers; its hash is the run id, so running the
/// same command again continues (or re-reads) the same run.
struct IFTRunConfig: Codable {
    var data: String
    var dataSHA256: String
    var split: String
    var shuffleSeed: UInt64?
    var limit: Int?
    var models: [String]
    var judge: String
    var judgeTemplate: String
    var judgeRetries: Int
    var generation: GenerationSettings
    var promptStyle: String

    func json() throws -> String { try Self.encode(self) }

    static func encode<T: Encodable>(_ value: T) throws -> String { try CanonicalJSON.encode(value) }
}

/// The per-model numbers of one IFT run, as printed and as written to summary.json.
struct IFTSummary: Codable {
    struct Row: Codable {
        var model: String
        var spec: String
        var meanScore: Double?
        var ciLower: Double?
        var ciUpper: Double?
        var scored: Int
        var total: Int
        var lenient: Int
        var unparsed: Int
        var errors: Int
        var generatedTokens: Int
        var generationSeconds: Double
        var tokensPerSecond: Double
        var file: String
    }

    var data: String
    var split: String
    var items: Int
    var judge: String
    var rows: [Row]

    init(data: String, split: String, items: Int, judge: String, evaluations: [ModelEvaluation]) {
        self.data = data
        self.split = split
        self.items = items
        self.judge = judge
        rows = evaluations.map { evaluation in
            let estimate = evaluation.estimate
            let slug = (try? ModelSpec(parsing: evaluation.spec).fileSlug) ?? evaluation.model
            return Row(
                // One score has no interval (its bounds are infinite): JSON gets null.
                model: evaluation.model, spec: evaluation.spec, meanScore: estimate?.mean,
                ciLower: estimate.flatMap { $0.lower.isFinite ? $0.lower : nil },
                ciUpper: estimate.flatMap { $0.upper.isFinite ? $0.upper : nil }, scored: evaluation.scoredCount,
                total: evaluation.entries.count,
                lenient: evaluation.entries.filter { $0.parseStatus == .lenient }.count,
                unparsed: evaluation.entries.filter { $0.parseStatus == .unparsed }.count,
                errors: evaluation.entries.filter { $0.error != nil }.count,
                generatedTokens: evaluation.generatedTokens, generationSeconds: evaluation.generationWallSeconds,
                tokensPerSecond: evaluation.tokensPerSecond, file: "\(slug)-responses.json")
        }
    }

    /// Headline numbers for `proctor runs`: mean score and scored count per model.
    func headline() throws -> String {
        var numbers: [String: [String: Double]] = [:]
        for row in rows {
            numbers[row.model] = [
                "mean": row.meanScore ?? .nan, "scored": Double(row.scored), "total": Double(row.total),
            ]
        }
        return try IFTRunConfig.encode(numbers.mapValues { $0.filter { !$0.value.isNaN } })
    }

    func table() -> String {
        var table = TextTable(
            headers: ["model", "mean score", "95% CI", "scored", "gen tok/s"], rightAligned: [1, 2, 3, 4])
        for row in rows {
            let ci: String
            if let lower = row.ciLower, let upper = row.ciUpper, lower.isFinite, upper.isFinite {
                ci = String(format: "%.1f-%.1f", lower, upper)
            } else {
                ci = "n/a"
            }
            table.rows.append([
                row.model, row.meanScore.map { String(format: "%.1f", $0) } ?? "n/a", ci,
                "\(row.scored) of \(row.total)", String(format: "%.1f", row.tokensPerSecond),
            ])
        }
        var notes: [String] = []
        for row in rows where row.lenient + row.unparsed + row.errors > 0 {
            notes.append(
                "\(row.model): \(row.lenient) read leniently, \(row.unparsed) unparsed, \(row.errors) failed")
        }
        return
            ([
                "Instruction-following test: \(items) items of \(data) (\(split)), judged by \(judge)", "",
                table.render(),
            ] + (notes.isEmpty ? [] : [""] + notes)).joined(separator: "\n")
    }
}
