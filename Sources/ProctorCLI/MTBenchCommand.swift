import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorJudge

struct MTBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtbench",
        abstract: "MT-Bench: generate two-turn answers, then have a judge grade both turns (1-10).",
        discussion: """
            Each --model answers the questions of --questions (FastChat's question.jsonl: 80 questions, two \
            turns each) with MT-Bench's temperatures per category (writing and roleplay 0.7; extraction, math, \
            coding and reasoning 0.0; stem and humanities 0.1; seed 0), turn 2 seeing the whole conversation. \
            Answers are written in FastChat's layout to OUT/model_answer/<model>.jsonl. The judge then grades \
            every turn with the published MT-Bench prompts (reference-guided where --references has an answer, \
            as for math, reasoning and coding), or in any other mode of `proctor judge run`. With --answers \
            instead of --model, stored FastChat answer files are judged without generating.

            Examples:
              proctor mtbench --questions ../shared/data/mt-bench/question.jsonl \\
                --references ../shared/data/mt-bench/reference_answer/gpt-4.jsonl \\
                --model local:smollm2-135m-instruct --judge local:smollm2-135m-instruct --limit 10
              proctor mtbench --questions question.jsonl --answers model_answer/vicuna-13b-v1.3.jsonl \\
                --answers model_answer/llama-13b.jsonl --judge openai:gpt-4o-mini --mode pairwise
            """
    )

    @Option(help: ArgumentHelp("MT-Bench questions (FastChat question.jsonl).", valueName: "file"))
    var questions: String

    @Option(help: ArgumentHelp("Reference answers (FastChat reference_answer/gpt-4.jsonl).", valueName: "file"))
    var references: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("Model to evaluate (repeatable).", valueName: "spec"))
    var models: [String] = []

    @Option(
        name: .customLong("answers"),
        help: ArgumentHelp(
            "Stored FastChat answer file to judge instead of generating (repeatable).", valueName: "file"))
    var answerFiles: [String] = []

    @Option(help: "Use only the first N questions.")
    var limit: Int?

    @Option(help: "Most new tokens per answer.")
    var maxTokens: Int = 1024

    @Option(help: ArgumentHelp("Folder for the generated answers and judgments.", valueName: "dir"))
    var out: String = "proctor-out/mtbench"

    @OptionGroup var judgeOptions: JudgeOptions

    @Flag(help: "Print no progress.")
    var quiet = false

    @OptionGroup var http: HTTPOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    static let temperatures: [String: Double] = [
        "writing": 0.7, "roleplay": 0.7, "extraction": 0.0, "math": 0.0, "coding": 0.0, "reasoning": 0.0,
        "stem": 0.1, "humanities": 0.1,
    ]

    func validate() throws {
        if models.isEmpty == answerFiles.isEmpty {
            throw ValidationError("give --model SPEC to generate answers, or --answers FILE to judge stored ones")
        }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1") }
        if maxTokens <= 0 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.mtbench")
        let (config, prompts, spec) = try judgeOptions.resolve()
        var questionList = try AnswerFileLoader.loadQuestions(questions)
        if let references {
            let byID = try AnswerFileLoader.loadReferences(references)
            for index in questionList.indices { questionList[index].references = byID[questionList[index].id] }
        }
        if let limit { questionList = Array(questionList.prefix(limit)) }
        for model in models { _ = try ModelSpec(parsing: model) }
        var digests = ["questions": try RequestFingerprint.fileDigest(path: questions)]
        try await storeOptions.withOptionalStore(logger: logger) { store in
            try await BackendFactory.withFactory(logger: logger) { factory in
                http.apply(to: factory)
                var set: AnswerSet
                if answerFiles.isEmpty {
                    set = AnswerSet(questions: questionList, models: [], answers: [:])
                    for model in models {
                        let (name, answers) = try await generate(
                            model, questions: questionList, factory: factory, store: store, logger: logger)
                        set.models.append(name)
                        set.answers[name] = answers
                        digests[name] = model + "|max_tokens=\(maxTokens)"
                    }
                } else {
                    let loaded = try AnswerFileLoader.load(answerFiles: answerFiles, questionsFile: questions)
                    let ids = Set(questionList.map(\.id))
                    set = AnswerSet(
                        questions: questionList, models: loaded.models,
                        answers: loaded.answers.mapValues { $0.filter { ids.contains($0.key) } })
                    for path in answerFiles { digests[path] = try RequestFingerprint.fileDigest(path: path) }
                }
                try set.checkAligned()
                let session = JudgeSession(
                    kind: "mtbench", spec: spec, config: config, prompts: prompts, repeats: judgeOptions.repeats,
                    turns: 2, baseline: judgeOptions.baseline, useReferences: !judgeOptions.noReferences, limit: limit,
                    answerDigests: digests, out: out, quiet: quiet)
                _ = try await session.run(
                    set: set, factory: factory, store: store, noCache: storeOptions.noCache, logger: logger)
            }
        }
    }

    /// Both turns of every question, turn 2 with the conversation so far; written in FastChat's layout.
    func generate(
        _ raw: String, questions: [JudgeQuestion], factory: BackendFactory, store: (any ResultStore)?, logger: Logger
    ) async throws -> (String, [String: [String]]) {
        let loaded = try factory.backend(for: raw)
        let identity = try await factory.identity(of: loaded.spec, backend: loaded.backend, store: store)
        let backend: any ModelBackend =
            store.map {
                CachedBackend(
                    base: loaded.backend, identity: identity, store: $0, runID: nil, enabled: !storeOptions.noCache)
            } ?? loaded.backend
        let counter = ProgressCounter(
            sink: ConsoleProgress(quiet: quiet), phase: "\(loaded.backend.name): answering", total: questions.count)
        let maxTokens = self.maxTokens
        let outcomes = await concurrentMap(questions, limit: backend.maxConcurrency) {
            _, question -> Result<[String], any Error> in
            defer { counter.complete() }
            let settings = GenerationSettings(
                maxTokens: maxTokens, temperature: Self.temperatures[question.category ?? ""] ?? 0.7, seed: 0)
            var messages: [ChatMessage] = []
            var turns: [String] = []
            do {
                for turn in question.turns {
                    messages.append(.user(turn))
                    let prompt: Prompt =
                        backend.defaultPromptStyle == .chat
                        ? .chat(messages)
                        : .text(
                            messages.map { "\($0.role == .user ? "### User" : "### Assistant"):\n\($0.content)" }
                                .joined(separator: "\n\n") + "\n\n### Assistant:\n")
                    let result = try await backend.generate(GenerationRequest(prompt: prompt, settings: settings))
                    let answer = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    turns.append(answer)
                    messages.append(.assistant(answer))
                }
                return .success(turns)
            } catch {
                return .failure(error)
            }
        }
        var answers: [String: [String]] = [:]
        var lines: [String] = []
        for (question, outcome) in zip(questions, outcomes) {
            let turns = try outcome.get()
            answers[question.id] = turns
            let line: [String: Any] = [
                "question_id": Int(question.id) ?? question.id as Any, "model_id": loaded.spec.fileSlug,
                "choices": [["index": 0, "turns": turns]], "tstamp": Date().timeIntervalSince1970,
            ]
            let data = try JSONSerialization.data(
                withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        let path = "\(out)/model_answer/\(loaded.spec.fileSlug).jsonl"
        do {
            try FileManager.default.createDirectory(atPath: "\(out)/model_answer", withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ProctorError.ioFailure(path, detail: "\(error)")
        }
        logger.info("wrote answers", metadata: ["file": "\(path)"])
        return (loaded.spec.fileSlug, answers)
    }
}
