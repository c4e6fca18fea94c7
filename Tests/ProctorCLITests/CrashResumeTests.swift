import Foundation
import ProctorTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A 1,000-request run (500 items: 500 answers and 500 judge calls) is killed with SIGKILL at
/// five points and resumed each time; the final files must equal an uninterrupted run's.
@Suite("Crash and resume", .serialized)
struct CrashResumeTests {
    static let items = 500
    static let concurrency = 4

    @Test func killedFiveTimesThenResumedEqualsAnUninterruptedRun() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let entries = (0..<Self.items).map {
            "{\"instruction\": \"Question \($0)?\", \"input\": \"\", \"output\": \"A\($0)\"}"
        }
        let data = "\(folder)/data.json"
        try ("[\n" + entries.joined(separator: ",\n") + "\n]\n").write(toFile: data, atomically: true, encoding: .utf8)

        try await ScriptedOpenAIServer.withServer(defaultResponse: StoreCacheTests.responder) { server in
            func arguments(store: String, out: String) -> [String] {
                [
                    "ift", "--data", data, "--split", "all", "--model", "\(server.baseURL)#m", "--judge",
                    "\(server.baseURL)#j", "--store", store, "--out", out, "--quiet", "--concurrency",
                    "\(Self.concurrency)",
                ]
            }
            // The reference: one uninterrupted run on its own store.
            let reference = try await CLIRunner.run(arguments(store: "\(folder)/ref.sqlite", out: "\(folder)/ref"))
            #expect(reference.status == 0, "\(reference.stderr)")
            let referenceRequests = server.requestCount
            #expect(referenceRequests == 2 * Self.items)

            // The same run, killed at five points.
            var killedAt: [Int] = []
            for threshold in [100, 250, 450, 650, 850] {
                let process = try CLIRunner.start(arguments(store: "\(folder)/crash.sqlite", out: "\(folder)/crash"))
                let deadline = Date().addingTimeInterval(120)
                while server.requestCount - referenceRequests < threshold && process.isRunning && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(2))
                }
                #expect(process.isRunning, "the run ended before reaching \(threshold) requests")
                if killedAt.isEmpty {
                    // While its process works, the run reads as running and cannot be deleted.
                    let runs = try await CLIRunner.run(["runs", "--store", "\(folder)/crash.sqlite"])
                    #expect(runs.stdout.contains("running"), "\(runs.stdout)")
                    let remove = try await CLIRunner.run(["rm", "ift-", "--store", "\(folder)/crash.sqlite"])
                    #expect(remove.status == 2)
                    #expect(remove.stderr.contains("in progress"), "\(remove.stderr)")
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal)
                killedAt.append(server.requestCount - referenceRequests)
                if killedAt.count == 1 {
                    // The killed run reads as interrupted, not running, and says how to go on.
                    let runs = try await CLIRunner.run(["runs", "--store", "\(folder)/crash.sqlite"])
                    #expect(runs.stdout.contains("interrupted"), "\(runs.stdout)")
                    #expect(!runs.stdout.contains("running"), "\(runs.stdout)")
                }
            }
            let final = try await CLIRunner.run(arguments(store: "\(folder)/crash.sqlite", out: "\(folder)/crash"))
            #expect(final.status == 0, "\(final.stderr)")

            let crashRequests = server.requests.dropFirst(referenceRequests).map(\.bodyString)
            let unique = Set(crashRequests)
            #expect(unique.count == 2 * Self.items, "a request is missing")
            // Only requests in flight at a kill (sent, answer not yet stored) can be asked again.
            var firstSeen: [String: Int] = [:]
            var repeated: [Int] = []
            for (index, body) in crashRequests.enumerated() {
                if let first = firstSeen[body] { repeated.append(first) } else { firstSeen[body] = index }
            }
            // At most 2 x concurrency are in flight at once: the model's and the judge's backends
            // each have `concurrency` requests at the server.
            #expect(repeated.count <= killedAt.count * 2 * Self.concurrency)
            for first in repeated {
                let inFlightAtAKill = killedAt.contains { first < $0 && first >= $0 - 2 * Self.concurrency }
                #expect(inFlightAtAKill, "request #\(first) was answered and stored, yet asked again")
            }
            for name in ["m-responses.json", "summary.json"] {
                let a = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/ref/\(name)"))
                let b = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/crash/\(name)"))
                if name == "summary.json" {
                    // Wall-clock fields differ; every score, count and file name must not.
                    #expect(Self.withoutTimings(a) == Self.withoutTimings(b))
                } else {
                    #expect(a == b, "\(name) differs from the uninterrupted run")
                }
            }
            Self.report(killedAt: killedAt, repeated: repeated.count, total: crashRequests.count)
        }
    }

    static func withoutTimings(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).split(separator: "\n").filter {
            !$0.contains("generationSeconds") && !$0.contains("tokensPerSecond") && !$0.contains("\"data\"")
        }.joined(separator: "\n")
    }

    static func report(killedAt: [Int], repeated: Int, total: Int) {
        print(
            "crash test: killed after \(killedAt) requests; \(total) requests in all, \(repeated) re-asked (in flight)")
    }
}
