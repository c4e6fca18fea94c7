import Foundation
import ProctorCore
import ProctorTesting
import Testing

@testable import ProctorBench

/// Data files found locally, downloaded from a 127.0.0.1 fixture server into the cache, or
/// reported missing with where to put them.
@Suite struct DownloadTests {
    static let rows = """
        {"goal": "Open a door", "sol1": "Push it", "sol2": "Eat it"}
        {"goal": "Dry hands", "sol1": "Use a towel", "sol2": "Use water"}
        """

    static func piqaDefinition(url: String?, labelsURL: String?) throws -> TaskDefinition {
        var definition = try #require(try TaskCatalog.builtIn().task(named: "piqa"))
        definition.dataset.url = url
        definition.dataset.labels?.url = labelsURL
        return definition
    }

    @Test func downloadsIntoTheCacheOnceAndReusesIt() async throws {
        try await StaticFileServer.withServer(files: ["/piqa/valid.jsonl": Self.rows, "/piqa/labels.lst": "1\n0\n"]) {
            server in
            let cache = Fixture.temporaryDirectory()
            let resolver = DatasetResolver(
                dataDirectory: Fixture.temporaryDirectory(), cacheDirectory: cache, downloader: URLSessionDownloader(),
                logger: Fixture.logger)
            let definition = try Self.piqaDefinition(
                url: server.baseURL + "/piqa/valid.jsonl", labelsURL: server.baseURL + "/piqa/labels.lst")
            let task = try await BenchTask.load(definition, resolver: resolver)
            #expect(task.instances[0].context == "Question: Open a door\nAnswer:")
            #expect(task.documents.map(\.goldIndices) == [[1], [0]])
            #expect(FileManager.default.fileExists(atPath: cache + "/piqa/valid.jsonl"))
            #expect(FileManager.default.fileExists(atPath: cache + "/piqa/valid-labels.lst"))
            #expect(server.requestedPaths == ["/piqa/valid.jsonl", "/piqa/labels.lst"])
            // A second load reads the cache and asks the server nothing.
            _ = try await BenchTask.load(definition, resolver: resolver)
            #expect(server.requestedPaths.count == 2)
        }
    }

    @Test func aFailedDownloadSaysWhereToPutTheFile() async throws {
        try await StaticFileServer.withServer { server in
            let cache = Fixture.temporaryDirectory()
            let resolver = DatasetResolver(
                dataDirectory: "/data", cacheDirectory: cache, downloader: URLSessionDownloader(),
                logger: Fixture.logger)
            let definition = try Self.piqaDefinition(url: server.baseURL + "/nothing.jsonl", labelsURL: nil)
            let error = try await #require(throws: ProctorError.self) {
                try await BenchTask.load(definition, resolver: resolver)
            }
            #expect(error == .fileNotFound)
            #expect(error.description.contains("HTTP 404"))
            #expect(error.description.contains("/data/piqa/valid.jsonl"))
            #expect(!FileManager.default.fileExists(atPath: cache + "/piqa/valid.jsonl"))
        }
    }

    @Test func offlineAndMissingSaysWhereToPutTheFileAndTheURL() async throws {
        let resolver = DatasetResolver(
            dataDirectory: nil, cacheDirectory: Fixture.temporaryDirectory(), downloader: nil, logger: Fixture.logger)
        let definition = try #require(try TaskCatalog.builtIn().task(named: "hellaswag"))
        let error = try await #require(throws: ProctorError.self) {
            try await BenchTask.load(definition, resolver: resolver)
        }
        #expect(error == .fileNotFound)
        #expect(error.description.contains("--data-dir"))
        #expect(error.description.contains("hellaswag/hellaswag_val.jsonl"))
        #expect(error.description.contains("https://raw.githubusercontent.com/rowanz/hellaswag"))
    }

    @Test func noKnownSourceSaysWhereToPutTheFile() async throws {
        let resolver = DatasetResolver(
            dataDirectory: "/nowhere", cacheDirectory: Fixture.temporaryDirectory(), downloader: URLSessionDownloader(),
            logger: Fixture.logger)
        let definition = try #require(try TaskCatalog.builtIn().task(named: "mmlu_virology"))
        let error = try await #require(throws: ProctorError.self) {
            try await BenchTask.load(definition, resolver: resolver)
        }
        #expect(error.description.contains("/nowhere/mmlu/test/virology_test.csv"))
    }

    @Test func theDataDirectoryWinsOverTheCache() async throws {
        let cache = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: cache + "/piqa", withIntermediateDirectories: true)
        try "{\"goal\": \"cached\", \"sol1\": \"a\", \"sol2\": \"b\"}\n".write(
            toFile: cache + "/piqa/valid.jsonl", atomically: true, encoding: .utf8)
        let task = try await BenchTask.load(
            try #require(try TaskCatalog.builtIn().task(named: "piqa")), resolver: Fixture.resolver(cache: cache))
        #expect(task.documents.count == 2)
        #expect(task.documents[0].prompt == "Question: How do I open a jar?\nAnswer:")
    }
}
