import Foundation
import ProctorTesting
import Testing

/// The answer cache and run records through the real binary, with an OpenAI-compatible
/// scripted server on 127.0.0.1 as model and judge (it counts every request).
@Suite("Result store through the CLI", .serialized)
struct StoreCacheTests {
    /// Deterministic answers: the judge scores every answer 80, the model echoes the instruction.
    static let responder: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
        let body = request.bodyString
        if request.isModelList { return .models(["m", "j"]) }
        if body.contains("score the model response") || body.contains("SCORE THIS") { return .chat(text: "80") }
        let marker = "### Instruction:\\n"
        let instruction = body.components(separatedBy: marker).dropFirst().first?.prefix(12) ?? "?"
        return .chat(text: "answer to \(instruction)", promptTokens: 20, completionTokens: 4)
    }

    func data(items: Int) throws -> String {
        let folder = try CLIRunner.temporaryFolder()
        let entries = (0..<items).map {
            "{\"instruction\": \"Question \($0)?\", \"input\": \"\", \"output\": \"A\($0)\"}"
        }
        let path = "\(folder)/data.json"
        try ("[\n" + entries.joined(separator: ",\n") + "\n]\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func ift(
        _ server: ScriptedOpenAIServer, data: String, store: String, out: String, extra: [String] = []
    )
        async throws -> CLIRunner.Output
    {
        try await CLIRunner.run(
            [
                "ift", "--data", data, "--split", "all", "--model", "\(server.baseURL)#m", "--judge",
                "\(server.baseURL)#j",
                "--store", store, "--out", out, "--quiet", "--concurrency", "4",
            ] + extra)
    }

    @Test func reRunningAFinishedRunMakesNoModelCalls() async throws {
        let data = try data(items: 12)
        let folder = try CLIRunner.temporaryFolder()
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            let first = try await ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/a")
            #expect(first.status == 0, "\(first.stderr)")
            let afterFirst = server.requestCount
            #expect(afterFirst == 24)
            #expect(first.stdout.contains("24 model calls"))
            let second = try await ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/b")
            #expect(second.status == 0, "\(second.stderr)")
            #expect(server.requestCount == afterFirst)
            #expect(second.stdout.contains(": 0 model calls"))
            // Same scores, intervals and counts (the last column, tokens/s, is this run's wall clock).
            let table = { (output: CLIRunner.Output) in
                output.stdout.components(separatedBy: "Annotated")[0].split(separator: "\n").map {
                    $0.split(separator: " ").dropLast().joined(separator: " ")
                }
            }
            #expect(table(first) == table(second))
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/a/m-responses.json"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/b/m-responses.json"))
            #expect(a == b)
        }
    }

    @Test func changingOnlyTheJudgePromptReRunsOnlyJudgeCalls() async throws {
        let data = try data(items: 10)
        let folder = try CLIRunner.temporaryFolder()
        let template = "\(folder)/judge.txt"
        try "SCORE THIS: {{input}} | {{reference}} | {{response}} (0-100)".write(
            toFile: template, atomically: true, encoding: .utf8)
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            let first = try await ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/a")
            #expect(first.status == 0, "\(first.stderr)")
            let before = server.requestCount
            let second = try await ift(
                server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/b",
                extra: ["--judge-template", template])
            #expect(second.status == 0, "\(second.stderr)")
            let newRequests = server.requests.dropFirst(before)
            #expect(newRequests.count == 10)
            #expect(newRequests.allSatisfy { $0.bodyString.contains("SCORE THIS") })
            #expect(second.stdout.contains("10 model calls"))
        }
    }

    @Test func noCacheAsksAgain() async throws {
        let data = try data(items: 3)
        let folder = try CLIRunner.temporaryFolder()
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            _ = try await ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/a")
            let second = try await ift(
                server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/a", extra: ["--no-cache"])
            #expect(second.status == 0)
            #expect(server.requestCount == 12)
        }
    }

    @Test func twoProcessesOnOneStoreDuplicateNoRequest() async throws {
        let data = try data(items: 40)
        let folder = try CLIRunner.temporaryFolder()
        try await ScriptedOpenAIServer.withServer(defaultResponse: { request in
            .delay(0.01, then: StoreCacheTests.responder(request))
        }) { server in
            async let a = ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/a")
            async let b = ift(server, data: data, store: "\(folder)/s.sqlite", out: "\(folder)/b")
            let (first, second) = try await (a, b)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(second.status == 0, "second: \(second.stderr)")
            #expect(first.status == 0, "first: \(first.stderr)")
            let bodies = server.requests.map(\.bodyString)
            #expect(bodies.count == Set(bodies).count, "a request was sent twice")
            #expect(bodies.count == 80)
            let fileA = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/a/m-responses.json"))
            let fileB = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/b/m-responses.json"))
            #expect(fileA == fileB)
        }
        let check = try await CLIRunner.run(["runs", "--store", "\(folder)/s.sqlite"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("finished"))
    }

    @Test func runsShowExportAndRemove() async throws {
        let data = try data(items: 3)
        let folder = try CLIRunner.temporaryFolder()
        let store = "\(folder)/s.sqlite"
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            _ = try await ift(server, data: data, store: store, out: "\(folder)/a")
        }
        let runs = try await CLIRunner.run(["runs", "--store", store])
        let id = try #require(runs.stdout.split(separator: "\n").dropFirst(2).first?.split(separator: " ").first)
        #expect(runs.stdout.contains("m 80.0 (3/3)"))
        let show = try await CLIRunner.run(["show", String(id.prefix(8)), "--store", store])
        #expect(show.stdout.contains("command   proctor ift"))
        let jsonl = try await CLIRunner.run(["export", String(id), "--format", "jsonl", "--store", store])
        #expect(jsonl.stdout.split(separator: "\n").count == 3)
        let csv = try await CLIRunner.run(["export", String(id), "--format", "csv", "--store", store])
        #expect(csv.stdout.hasPrefix("model,index,instruction"))
        let remove = try await CLIRunner.run(["rm", String(id), "--store", store])
        #expect(remove.status == 0)
        let missing = try await CLIRunner.run(["show", String(id), "--store", store])
        #expect(missing.status == 2)
        #expect(missing.stderrLines.count == 1)
    }

    @Test func storeThatIsNotProctorsIsRefusedAndUntouched() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let path = "\(folder)/notes.sqlite"
        try "not a database".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try await CLIRunner.run(["runs", "--store", path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("not a Proctor result store"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a database")
    }
}
