import ArgumentParser
import Foundation
import Logging
import ProctorBench
import ProctorCore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run benchmarks (multiple choice by loglikelihood, generation with answer extraction, perplexity).",
        discussion: """
            Tasks are declarative YAML task files; `proctor tasks` lists the built-ins (arc_easy, arc_challenge, \
            mmlu, hellaswag, piqa, truthfulqa_mc1, truthfulqa_mc2, gsm8k) and --include adds your own. Prompts \
            follow lm-evaluation-harness, so numbers are comparable.

            The in-process engine evaluates each question's context once and shares it with every choice, \
            and keeps a prefix cache across questions, so MMLU's five few-shot examples of a subject are \
            evaluated once for the whole subject. An HTTP server must pass a prompt-logprob conformance \
            probe first; a server that fails is refused rather than scored at chance.

            Every scored document is recorded in the store as it completes: re-running the same command \
            continues a killed run and asks the model nothing twice.

            Writes OUT/results.json (lm-eval's layout) and OUT/samples_<task>.jsonl (per document: prompt, \
            per-choice loglikelihoods, prediction, target, metrics), then prints the table.

            Examples:
              proctor run --model local:smollm2-135m-instruct --tasks arc_easy --data-dir ../shared/data
              proctor run --model local:smollm2-135m-instruct --tasks mmlu_anatomy,mmlu_astronomy \\
                  --num-fewshot 5 --data-dir ../shared/data --limit 50
            """
    )

    @Option(help: ArgumentHelp("Model to evaluate.", valueName: "spec"))
    var model: String

    @Option(help: ArgumentHelp("Comma-separated task or group names, or task-file paths.", valueName: "names"))
    var tasks: String

    @Option(help: "Few-shot examples per question (default: the task file's).")
    var numFewshot: Int?

    @Option(help: "Evaluate only the first N documents of each task.")
    var limit: Int?

    @Option(help: ArgumentHelp("Folder holding the datasets (the layout of the task files' paths).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Task file or folder of task files to add (repeatable).", valueName: "path"))
    var include: [String] = []

    @Flag(help: "Never download a dataset; a missing file is an error that says where to put it.")
    var offline = false

    @Option(help: ArgumentHelp("Folder for results.json and the per-sample files.", valueName: "dir"))
    var out: String = "proctor-out/run"

    @Option(help: "Most loglikelihood requests sent to the backend in one call.")
    var batchRequests: Int = 64

    @Flag(help: "Print no progress.")
    var quiet = false

    @OptionGroup var http: HTTPOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1 (got \(limit))") }
        if let numFewshot, numFewshot < 0 { throw ValidationError("--num-fewshot cannot be negative") }
        if batchRequests <= 0 { throw ValidationError("--batch-requests must be at least 1") }
        if taskNames.isEmpty { throw ValidationError("give at least one task with --tasks NAME[,NAME...]") }
    }

    var taskNames: [String] {
        tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.run")
        // Tasks, data and templates are checked before any model loads.
        var catalog = try TaskCatalog.builtIn()
        for path in include { try catalog.add(contentsOf: path) }
        let selection = try catalog.resolve(taskNames)
        try BenchTask.validate(limit: limit, numFewshot: numFewshot)
        let resolver = DatasetResolver(
            dataDirectory: dataDir, downloader: offline ? nil : URLSessionDownloader(), logger: logger)
        var loaded: [BenchTask] = []
        for definition in selection.tasks {
            loaded.append(
                try await BenchTask.load(definition, resolver: resolver, limit: limit, numFewshot: numFewshot))
        }
        _ = try ModelSpec(parsing: model)
        try await storeOptions.withOptionalStore(logger: logger) { store in
            try await BenchSession(
                command: self, tasks: loaded, groups: selection.groups, store: store, logger: logger
            ).execute()
        }
    }
}

/// Everything that decides a benchmark run's answers; its hash is the run id.
struct BenchRunConfig: Codable {
    var model: String
    var tasks: [String]
    var taskDefinitions: [String]
    var numFewshot: Int?
    var limit: Int?
    var documents: [String: Int]
    var proctorVersion: String

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// What a backend answered for one document, as stored, so a re-run re-scores without asking.
enum StoredBenchResponse: Codable {
    case loglikelihood([LoglikelihoodResult])
    case generation(String)
    case rolling(RollingLoglikelihoodResult)

    init(_ response: BenchResponse) {
        switch response {
        case .loglikelihood(let results): self = .loglikelihood(results)
        case .generation(let text): self = .generation(text)
        case .rolling(let result): self = .rolling(result)
        }
    }

    var response: BenchResponse {
        switch self {
        case .loglikelihood(let results): return .loglikelihood(results)
        case .generation(let text): return .generation(text)
        case .rolling(let result): return .rolling(result)
        }
    }
}
