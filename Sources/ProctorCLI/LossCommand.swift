import ArgumentParser
import Foundation
import Logging
import ProctorBench
import ProctorCore
import ProctorLlama

struct LossCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "Test loss of a model on a text: mean cross-entropy per token, perplexity, bits per byte.",
        discussion: """
            The text is scored as lm-evaluation-harness's rolling loglikelihood: tokenized without special \
            tokens, cut into windows of at most --window tokens (default: the model's context), the first \
            window after the beginning-of-sequence token, every later one conditioned on the token before \
            it. Every token is scored exactly once.

            Example:
              proctor loss --model local:smollm2-135m-instruct --text notes.txt
            """
    )

    @Option(help: ArgumentHelp("Model to score with.", valueName: "spec"))
    var model: String

    @Option(help: ArgumentHelp("UTF-8 text file.", valueName: "file"))
    var text: String

    @Option(help: "Most tokens per window (default: the engine's context length).")
    var window: Int?

    @Option(help: "Print the result as JSON.")
    var format: String = "table"

    @OptionGroup var http: HTTPOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let window, window < 2 { throw ValidationError("--window must be at least 2") }
        if !["table", "json"].contains(format) { throw ValidationError("--format must be table or json") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.loss")
        guard FileManager.default.fileExists(atPath: text) else {
            throw ProctorError.fileNotFound(text, what: "text file")
        }
        guard let data = FileManager.default.contents(atPath: text), let content = String(data: data, encoding: .utf8)
        else { throw ProctorError.invalidValue("text", "not UTF-8 text", file: text) }
        guard !content.isEmpty else { throw ProctorError.invalidValue("text", "the file is empty", file: text) }
        _ = try ModelSpec(parsing: model)
        let started = ContinuousClock.now
        let result = try await BackendFactory.withFactory(logger: logger) { factory in
            http.apply(to: factory)
            let (_, backend) = try factory.backend(for: model)
            if let local = backend as? LlamaBackend {
                return try await local.engine.rollingLoglikelihood(content, window: window)
            }
            guard let scorer = backend as? any LoglikelihoodBackend else {
                throw ProctorError.invalidArgument("\(backend.name) cannot score text", field: "model")
            }
            return try await scorer.rollingLoglikelihood(content)
        }
        let seconds = BenchSession.seconds(started.duration(to: .now))
        let tokens = max(result.tokenCount, 1)
        let loss = -result.logprob / Double(tokens)
        let bytes = content.utf8.count
        let words = content.split(whereSeparator: { $0.isWhitespace }).count
        let values: [(String, Double)] = [
            ("loss", loss), ("perplexity", exp(loss)),
            ("word_perplexity", exp(-result.logprob / Double(max(words, 1)))),
            ("bits_per_byte", -result.logprob / Double(bytes) / log(2)), ("loglikelihood", result.logprob),
            ("tokens", Double(result.tokenCount)), ("bytes", Double(bytes)), ("seconds", seconds),
        ]
        if format == "json" {
            let body = values.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
            print("{\"model\": \"\(model)\", \"text\": \"\(text)\", \(body)}")
        } else {
            for (name, value) in values {
                print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.6g", value))
            }
        }
    }
}

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the benchmark tasks and groups (built-in and from --include).",
        discussion: "Example: proctor tasks --include my-tasks/"
    )

    @Option(help: ArgumentHelp("Task file or folder of task files to add (repeatable).", valueName: "path"))
    var include: [String] = []

    func run() throws {
        var catalog = try TaskCatalog.builtIn()
        for path in include { try catalog.add(contentsOf: path) }
        var rows: [[String]] = []
        for summary in catalog.summaries() {
            rows.append([
                summary.name,
                summary.isGroup ? "group (\(summary.memberCount) tasks)" : summary.outputType.map { "\($0)" } ?? "",
                summary.numFewshot.map(String.init) ?? "0", summary.dataPath ?? "", summary.source,
            ])
        }
        print(TextTable(headers: ["task", "type", "shots", "data", "source"], rows: rows).render())
    }
}
