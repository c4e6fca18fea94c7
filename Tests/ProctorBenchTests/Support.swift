import Foundation
import Logging
import ProctorCore

@testable import ProctorBench

/// Paths and helpers shared by the benchmark tests. Fixtures live next to this file.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var dataDirectory: String { root.appendingPathComponent("data").path }
    static func task(_ name: String) -> String { root.appendingPathComponent("tasks/\(name)").path }

    static let logger = Logger(label: "proctor.bench.tests")

    /// An offline resolver over the fixture data directory, caching into a fresh temp folder.
    static func resolver(downloader: (any DatasetDownloader)? = nil, cache: String? = nil) -> DatasetResolver {
        DatasetResolver(
            dataDirectory: dataDirectory, cacheDirectory: cache ?? temporaryDirectory(), downloader: downloader,
            logger: logger)
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "proctor-bench-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A built-in task loaded from the fixture data.
    static func builtIn(_ name: String, limit: Int? = nil, numFewshot: Int? = nil) async throws -> BenchTask {
        let catalog = try TaskCatalog.builtIn()
        guard let definition = catalog.task(named: name) else { throw ProctorError.invalidArgument("no \(name)") }
        return try await BenchTask.load(definition, resolver: resolver(), limit: limit, numFewshot: numFewshot)
    }

    /// Parses a task file written inline.
    static func taskFile(_ yaml: String, path: String = "inline.yaml") throws -> TaskFile {
        try TaskFile(text: yaml, path: path)
    }

    /// Rows from inline JSONL text.
    static func rows(_ jsonl: String, file: String = "rows.jsonl") throws -> [DatasetRow] {
        try DatasetLoader.jsonl(jsonl, file: file)
    }
}

/// Loglikelihood results with the given logprobs (not greedy unless listed).
func results(_ logprobs: [Double], greedy: Set<Int> = []) -> BenchResponse {
    .loglikelihood(
        logprobs.enumerated().map { LoglikelihoodResult(logprob: $1, isGreedy: greedy.contains($0), tokenCount: 1) })
}
