import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorJudge

/// Options every judging command shares: the judge, its config, and the judging plan.
struct JudgeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The judge model (wins over the config's `model`).", valueName: "spec"))
    var judge: String?

    @Option(help: ArgumentHelp("Judge config, YAML or JSON (see docs/JUDGES.md).", valueName: "file"))
    var config: String?

    @Option(help: "single, batch, pairwise or rubric (wins over the config's `mode`).")
    var mode: String?

    @Option(help: "Built-in prompt preset: mt-bench (1-10, [[rating]]) or book (0-100, reference-guided).")
    var prompts: String?

    @Option(
        name: .customLong("template"),
        help: ArgumentHelp("Replace one prompt slot with a template file (repeatable).", valueName: "slot=file"))
    var templates: [String] = []

    @Option(help: "Pairwise: compare every model with this one (default: all pairs).")
    var baseline: String?

    @Option(help: "Judge every item this many times (seeds seed, seed+1, ...) to measure the judge's noise.")
    var repeats: Int = 1

    @Option(help: "Judge temperature (wins over the config).")
    var judgeTemperature: Double?

    @Option(
        help: ArgumentHelp(
            "Ask again up to N times when a reply cannot be read, starting the judge's answer with the format "
                + "(\"Rating: [[\", \"[[\", \"{\"); wins over the config's `reasks`.", valueName: "n"))
    var reasks: Int?

    @Flag(help: "Leave reference answers out of the judge prompts.")
    var noReferences = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        if let reasks, reasks < 0 { throw ValidationError("--reasks cannot be negative") }
        if let mode, JudgeMode(rawValue: mode) == nil {
            throw ValidationError("--mode must be single, batch, pairwise or rubric")
        }
        for template in templates where !template.contains("=") {
            throw ValidationError("--template takes SLOT=FILE, e.g. --template single=my-judge.txt")
        }
    }

    /// The effective config: the file, then the flags on top; checked, with its prompts loaded.
    func resolve(defaultPrompts: String? = nil) throws -> (config: JudgeConfig, prompts: JudgePromptSet, spec: String) {
        var resolved = try config.map { try JudgeConfig.load(path: $0) } ?? JudgeConfig()
        if config == nil, let defaultPrompts {
            resolved.prompts = defaultPrompts
            if defaultPrompts == "book" { resolved.scale = .percent }
        }
        if let mode { resolved.mode = JudgeMode(rawValue: mode)! }
        if let prompts {
            resolved.prompts = prompts
            if prompts == "book" && config == nil { resolved.scale = .percent }
        }
        if let judgeTemperature { resolved.temperature = judgeTemperature }
        if let reasks { resolved.reasks = reasks }
        for template in templates {
            let parts = template.split(separator: "=", maxSplits: 1).map(String.init)
            resolved.templates[parts[0]] = parts[1]
        }
        try resolved.validate(source: config)
        let folder = config.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        let set = try resolved.promptSet(relativeTo: templates.isEmpty ? folder : nil)
        guard let spec = judge ?? resolved.model else {
            throw ProctorError.invalidArgument(
                "give the judge with --judge SPEC or `model:` in the config", field: "judge")
        }
        _ = try ModelSpec(parsing: spec)
        return (resolved, set, spec)
    }
}

/// Everything that decides a judging run's results; its hash is the run id.
struct JudgeRunConfig: Codable {
    var kind: String
    var judge: String
    var config: JudgeConfig
    var prompts: [String: String]
    var answers: [String: String]
    var repeats: Int
    var turns: Int
    var baseline: String?
    var useReferences: Bool
    var limit: Int?
}

/// Runs a judge over an answer set through the store's cache, records the results, and
/// prints the report. Shared by `proctor judge run` and `proctor mtbench`.
struct JudgeSession {
    var kind: String
    var spec: String
    var config: JudgeConfig
    var prompts: JudgePromptSet
    var repeats: Int
    var turns: Int
    var baseline: String?
    var useReferences: Bool
    var limit: Int?
    /// Digest (or description) of each answer source, for the run id.
    var answerDigests: [String: String]
    var out: String?
    var quiet: Bool

    func run(
        set: AnswerSet, factory: BackendFactory, store: (any ResultStore)?, noCache: Bool, logger: Logger
    ) async throws -> JudgeResults {
        if let baseline, !set.models.contains(baseline) {
            throw ProctorError.invalidArgument(
                "--baseline \(baseline) is not one of the models: \(set.models.joined(separator: ", "))",
                field: "baseline")
        }
        if config.mode == .pairwise || config.mode == .batch, set.models.count < 2 {
            throw ProctorError.invalidArgument(
                "\(config.mode.rawValue) mode needs answers of at least two models", field: "answers")
        }
        let loaded = try factory.backend(for: spec)
        let identity = try await factory.identity(of: loaded.spec, backend: loaded.backend, store: store)
        let runConfig = JudgeRunConfig(
            kind: kind, judge: identity.canonical, config: config,
            prompts: Dictionary(
                uniqueKeysWithValues: prompts.prompts.map { ($0.key.rawValue, $0.value.fingerprintText) }),
            answers: answerDigests, repeats: repeats, turns: turns, baseline: baseline, useReferences: useReferences,
            limit: limit)
        let configJSON = try CanonicalJSON.encode(runConfig)
        let runID = "\(kind)-" + RequestFingerprint.sha256Hex(Data(configJSON.utf8)).prefix(12)
        let modelCalls = CallCounter()
        if let store {
            _ = try await store.beginRun(
                RunRecord(
                    id: runID, kind: kind, arguments: Array(CommandLine.arguments.dropFirst()), config: configJSON,
                    models: set.models, tasks: [config.mode.rawValue]))
        }
        let backend: any ModelBackend =
            store.map {
                CachedBackend(
                    base: loaded.backend, identity: identity, store: $0, runID: runID, enabled: !noCache,
                    modelCalls: modelCalls)
            } ?? CountingBackend(base: loaded.backend, calls: modelCalls)
        let runner = JudgeRunner(backend: backend, config: config, prompts: prompts, logger: logger)
        let evaluation = JudgeEvaluation(
            runner: runner, turns: turns, repeats: repeats, baseline: baseline, useReferences: useReferences)
        let results = await evaluation.run(set, progress: ConsoleProgress(quiet: quiet))
        let report = JudgeReport(results: results, questions: set.questions.count)
        do {
            if let store {
                try await store.saveRecords(
                    runID: runID, group: "\(config.mode.rawValue)/scores",
                    records: try results.scores.enumerated().map { ($0.offset, try CanonicalJSON.encode($0.element)) })
                try await store.saveRecords(
                    runID: runID, group: "\(config.mode.rawValue)/pairs",
                    records: try results.pairs.enumerated().map { ($0.offset, try CanonicalJSON.encode($0.element)) })
                try await store.finishRun(id: runID, status: .finished, summary: try report.headline())
            }
            if let out {
                try EvaluationWriter.write(results, to: "\(out)/judgments.json")
            }
        } catch {
            try? await store?.finishRun(id: runID, status: .failed, summary: nil)
            throw error
        }
        print(report.render(judge: spec, config: config))
        if let out { print("Judgments in \(out)/judgments.json") }
        if let store {
            print("Run \(runID) in \(store.location): \(modelCalls.value) judge calls reached the model")
        } else {
            print("\(modelCalls.value) judge calls reached the model (nothing recorded: --store none)")
        }
        return results
    }
}
