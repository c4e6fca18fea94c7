import Foundation
import ProctorCore
import ProctorSQLite

/// Store micro-benchmark: N requests through `CachedBackend` over an instant in-process model,
/// C in flight, with and without the SQLite store. Isolates what recording costs per request.
/// Usage: proctor-store-bench [requests] [concurrency] [store path]
struct InstantBackend: ModelBackend {
    var name: String { "instant" }
    var defaultPromptStyle: PromptStyle { .chat }
    var maxConcurrency: Int { 8 }
    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        GenerationResult(
            text: "An answer of a few words, like a short model reply.", finishReason: .stop, promptTokens: 40,
            completionTokens: 12, generationSeconds: 0.001)
    }
}

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8
let path = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory() + "/store-bench-\(getpid()).sqlite"

func request(_ index: Int) -> GenerationRequest {
    GenerationRequest(
        prompt: .chat([
            .user(
                "Below is an instruction that describes a task. Write a response.\n\n### Instruction:\nQuestion \(index)?\n\n### Response:\n"
            )
        ]),
        settings: GenerationSettings(maxTokens: 256))
}

/// Process CPU seconds (user + system) so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func drive(_ backend: any ModelBackend) async throws -> (wall: Double, cpu: Double) {
    let cpuStart = cpuSeconds()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        for _ in 0..<concurrency {
            let index = next
            next += 1
            group.addTask { _ = try await backend.generate(request(index)) }
        }
        while try await group.next() != nil, next < count {
            let index = next
            next += 1
            group.addTask { _ = try await backend.generate(request(index)) }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpuSeconds() - cpuStart)
}

let identity = ModelIdentity(kind: "http", name: "instant", endpoint: "http://127.0.0.1/v1")
let bare = try await drive(InstantBackend())
for suffix in ["", "-wal", "-shm", ".lock", ".claims"] { try? FileManager.default.removeItem(atPath: path + suffix) }
let store = try SQLiteStore(path: path)
_ = try await store.beginRun(RunRecord(id: "bench", kind: "bench", arguments: [], config: "{}", models: [], tasks: []))
let cached = CachedBackend(base: InstantBackend(), identity: identity, store: store, runID: "bench")
let recorded = try await drive(cached)
let rerun = try await drive(cached)
print(String(format: "requests %d, concurrency %d", count, concurrency))
for (label, time) in [("bare", bare), ("recorded", recorded), ("re-run", rerun)] {
    print(
        String(
            format: "%@ %.3f s  %.1f us/request wall  %.1f us/request CPU",
            label.padding(toLength: 9, withPad: " ", startingAt: 0),
            time.wall, time.wall / Double(count) * 1e6, time.cpu / Double(count) * 1e6))
}
