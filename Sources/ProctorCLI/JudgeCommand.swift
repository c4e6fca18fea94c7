import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorJudge

struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "LLM-as-judge over answer files: single, batch, pairwise and rubric grading; noise, bias, agreement.",
        discussion: """
            `proctor judge run` grades the answers of one or more models (answer files from `proctor ift --out`, \
            FastChat model_answer/*.jsonl with --questions, or plain JSON/JSONL of question, reference, answer). \
            `proctor judge reparse` re-reads stored FastChat judgments with Proctor's reply parser, and \
            `proctor judge agreement` compares two judges, or a judge and people.

            Example:
              proctor judge run --answers out/smollm2-135m-instruct-responses.json \\
                --answers out/gemma3-270m-responses.json --mode batch --judge local:smollm2-135m-instruct
            """,
        subcommands: [JudgeRunCommand.self, JudgeReparseCommand.self, JudgeAgreementCommand.self],
        defaultSubcommand: JudgeRunCommand.self
    )
}

struct JudgeRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Grade the answers of one or more models with a judge model.",
        discussion: """
            Modes (--mode, or `mode:` in --config):
              single    one answer per call, one score (MT-Bench's 1-10 [[rating]] prompt by default;
                        --prompts book for the book's 0-100 prompt)
              batch     every model's answer to a question in ONE call, anonymised as "Model 1..N" in an
                        order shuffled per question with a fixed seed; the judge answers a JSON object
              pairwise  two answers per call, each pair in both orders; orders that disagree are a tie
              rubric    named criteria with scales and weights (config `rubric:`); Proctor weighs the total

            Items with a reference answer are judged with the reference-guided prompt; a question with two
            turns has its second turn judged with the whole conversation. --repeats K judges everything K
            times with seeds seed..seed+K-1 and reports the judge's noise. Every judge call goes through the
            result store's cache, so a re-run asks nothing twice.

            Examples:
              proctor judge run --answers out/a-responses.json --answers out/b-responses.json \\
                --prompts book --judge local:smollm2-135m-instruct --repeats 3
              proctor judge run --questions question.jsonl --answers model_answer/vicuna-13b-v1.3.jsonl \\
                --answers model_answer/alpaca-13b.jsonl --mode pairwise --judge openai:gpt-4o-mini
            """
    )

    @Option(
        name: .customLong("answers"),
        help: ArgumentHelp("An answer file, one per model (repeatable).", valueName: "file"))
    var answerFiles: [String] = []

    @Option(help: ArgumentHelp("Questions (FastChat question.jsonl), for FastChat answer files.", valueName: "file"))
    var questions: String?

    @Option(help: ArgumentHelp("Reference answers (FastChat reference_answer/*.jsonl).", valueName: "file"))
    var references: String?

    @Option(help: "Judge only the first N questions.")
    var limit: Int?

    @Option(help: "Turns to judge: 1, or 2 (both, where questions have two).")
    var turns: Int = 2

    @Option(help: ArgumentHelp("Folder for judgments.json.", valueName: "dir"))
    var out: String?

    @OptionGroup var judgeOptions: JudgeOptions

    @Flag(help: "Print no progress.")
    var quiet = false

    @OptionGroup var http: HTTPOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if answerFiles.isEmpty { throw ValidationError("give at least one --answers FILE") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1") }
        if !(1...2).contains(turns) { throw ValidationError("--turns must be 1 or 2") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.judge")
        let (config, prompts, spec) = try judgeOptions.resolve()
        var set = try AnswerFileLoader.load(
            answerFiles: answerFiles, questionsFile: questions, referencesFile: references)
        if let limit { set = set.prefix(limit) }
        var digests: [String: String] = [:]
        for path in answerFiles + [questions, references].compactMap({ $0 }) {
            digests[path] = try RequestFingerprint.fileDigest(path: path)
        }
        let session = JudgeSession(
            kind: "judge", spec: spec, config: config, prompts: prompts, repeats: judgeOptions.repeats, turns: turns,
            baseline: judgeOptions.baseline, useReferences: !judgeOptions.noReferences, limit: limit,
            answerDigests: digests, out: out, quiet: quiet)
        try await storeOptions.withOptionalStore(logger: logger) { store in
            try await BackendFactory.withFactory(logger: logger) { factory in
                http.apply(to: factory)
                _ = try await session.run(
                    set: set, factory: factory, store: store, noCache: storeOptions.noCache, logger: logger)
            }
        }
    }
}
