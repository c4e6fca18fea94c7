import Foundation
import ProctorCore
import ProctorPostgres
import ProctorSQLite
import Testing

/// A run stays `running` only while some store (some process) works on it: when its worker
/// is gone without finishing it, the run reads as interrupted.
@Suite("Run liveness")
struct RunLivenessTests {
    let record = RunRecord(id: "ift-live", kind: "ift", arguments: [], config: "{}", models: [], tasks: [])

    /// Opens an observer store and a worker store on the same data; the worker is closed when
    /// `work` returns, as a killed process's would be.
    func withObserver(
        _ kind: StoreKind, work: (_ worker: any ResultStore, _ observer: any ResultStore) async throws -> Void,
        then check: (_ observer: any ResultStore) async throws -> Void
    ) async throws {
        switch kind {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-live-\(UUID())")
            let path = folder.appendingPathComponent("proctor.sqlite").path
            let observer = try SQLiteStore(path: path)
            do {
                let worker = try SQLiteStore(path: path)
                try await work(worker, observer)
            }
            try await check(observer)
        case .postgres:
            try await withFreshPostgresSchema { _, url in
                try await PostgresStore.withStore(url: url, logger: testLogger) { observer in
                    try await PostgresStore.withStore(url: url, logger: testLogger) { worker in
                        try await work(worker, observer)
                    }
                    try await check(observer)
                }
            }
        }
    }

    /// The status, waiting a little: a server notices a closed connection soon, not at once, and
    /// a closed store's last reference may drop a moment late on a loaded machine.
    func settledStatus(_ store: any ResultStore, _ id: String, until expected: RunStatus) async throws -> RunStatus {
        var status = try await store.run(id: id).status
        for _ in 0..<100 where status != expected {
            try await Task.sleep(for: .milliseconds(100))
            status = try await store.run(id: id).status
        }
        return status
    }

    @Test(arguments: StoreKind.allCases) func runLeftByItsWorkerReadsAsInterrupted(kind: StoreKind) async throws {
        try await withObserver(kind) { worker, observer in
            _ = try await worker.beginRun(record)
            #expect(try await worker.run(id: record.id).status == .running)
            #expect(try await observer.run(id: record.id).status == .running)
            let other = RunRecord(id: "ift-done", kind: "ift", arguments: [], config: "{}", models: [], tasks: [])
            _ = try await worker.beginRun(other)
            try await worker.finishRun(id: other.id, status: .finished, summary: nil)
        } then: { observer in
            #expect(try await settledStatus(observer, record.id, until: .interrupted) == .interrupted)
            #expect(try await observer.runs().map(\.status) == [.finished, .interrupted])
            // Resumed here, it is running again; finished, it stays finished.
            #expect(try await observer.beginRun(record).status == .running)
            #expect(try await observer.runs().first { $0.id == record.id }?.status == .running)
            try await observer.finishRun(id: record.id, status: .finished, summary: nil)
            #expect(try await observer.run(id: record.id).status == .finished)
        }
    }

    @Test(arguments: StoreKind.allCases) func runStaysRunningWhileAnyWorkerHoldsIt(kind: StoreKind) async throws {
        try await withObserver(kind) { worker, observer in
            // Two workers on one run (here: one store that began it twice); the first to stop
            // leaves it held by the other.
            _ = try await worker.beginRun(record)
            _ = try await worker.beginRun(record)
            try await worker.finishRun(id: record.id, status: .running, summary: nil)
            #expect(try await observer.run(id: record.id).status == .running)
        } then: { observer async throws in
            #expect(try await settledStatus(observer, record.id, until: .interrupted) == .interrupted)
        }
    }
}
