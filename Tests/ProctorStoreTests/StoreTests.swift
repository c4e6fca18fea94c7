import Foundation
import ProctorCore
import Testing

/// The behaviour every `ResultStore` shares, run against each store kind.
@Suite("Result store behaviour")
struct StoreTests {
    @Test(arguments: StoreKind.allCases) func runLifecycleAndResume(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            let run = RunRecord(
                id: "ift-abc123", kind: "ift", arguments: ["ift", "--data", "x.json"], config: "{}",
                models: ["a", "b"], tasks: ["x.json"])
            _ = try await store.beginRun(run)
            try await store.finishRun(id: run.id, status: .failed, summary: nil)
            let resumed = try await store.beginRun(run)
            #expect(resumed.status == .running)
            #expect(resumed.arguments == run.arguments && resumed.models == run.models && resumed.finishedAt == nil)
            try await store.finishRun(id: run.id, status: .finished, summary: "{\"a\":1}")
            let stored = try await store.run(id: "ift-abc")
            #expect(stored.status == .finished && stored.summary == "{\"a\":1}" && stored.finishedAt != nil)
            #expect(abs(stored.startedAt.timeIntervalSince(run.startedAt)) < 0.001)
            _ = try await store.beginRun(
                RunRecord(
                    id: "ift-later", kind: "ift", arguments: [], config: "{}", models: [], tasks: [],
                    startedAt: Date().addingTimeInterval(10)))
            #expect(try await store.runs().map(\.id) == ["ift-later", "ift-abc123"])
            try await store.deleteRun(id: "ift-later")
            let error = await #expect(throws: ProctorError.self) { try await store.run(id: "ift-later") }
            #expect(error == .runNotFound)
        }
    }

    @Test(arguments: StoreKind.allCases) func prefixLookupPrefersExactIDs(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            for id in ["ift-a", "ift-ab", "ift-b_c"] {
                _ = try await store.beginRun(
                    RunRecord(id: id, kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
            }
            #expect(try await store.run(id: "ift-a").id == "ift-a")
            #expect(try await store.run(id: "ift-b").id == "ift-b_c")
            let error = await #expect(throws: ProctorError.self) { try await store.run(id: "nope") }
            #expect(error == .runNotFound)
            #expect(error?.description.contains("nope") == true)
        }
    }

    @Test(arguments: StoreKind.allCases) func responsesAreStoredOnceAndLinkedInOrder(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            _ = try await store.beginRun(
                RunRecord(id: "r", kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
            try await store.saveResponse(sampleResponse("k2"), runID: "r")
            try await store.saveResponse(sampleResponse("k1"), runID: "r")
            try await store.saveResponse(sampleResponse("k2", text: "other"), runID: "r")
            try await store.saveResponse(sampleResponse("k3"), runID: nil)
            #expect(try await store.response(forKey: "k2")?.result.text == "answer")
            #expect(try await store.response(forKey: "k2")?.request.prompt == .text("q-k2"))
            #expect(try await store.response(forKey: "missing") == nil)
            #expect(try await store.responseKeys(runID: "r") == ["k2", "k1"])
            #expect(try await store.cacheStatistics().entries == 3)
            // Deleting a run removes its links and records, not the answers (the cache).
            try await store.saveRecords(runID: "r", group: "m", records: [(0, "{}")])
            try await store.deleteRun(id: "r")
            #expect(try await store.responseKeys(runID: "r").isEmpty)
            #expect(try await store.records(runID: "r").isEmpty)
            #expect(try await store.response(forKey: "k1") != nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func claimsKeepOtherLiveOwnersOut(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            let me = CachedBackend.defaultOwner
            #expect(try await store.claim(key: "k", owner: me))
            #expect(try await store.claim(key: "k", owner: me))
            #expect(try await store.claim(key: "k", owner: "elsewhere:1") == false)
            try await store.release(key: "k", owner: "elsewhere:1")
            #expect(try await store.claim(key: "k", owner: "elsewhere:1") == false)
            try await store.release(key: "k", owner: me)
            #expect(try await store.claim(key: "k", owner: "elsewhere:1"))
            // A claim of a process on this host that no longer exists is taken over at once.
            let host = ProcessInfo.processInfo.hostName
            #expect(try await store.claim(key: "d", owner: "\(host):999999"))
            #expect(try await store.claim(key: "d", owner: me))
        }
    }

    @Test(arguments: StoreKind.allCases) func oneOfManyConcurrentClaimsWins(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for worker in 0..<16 {
                    group.addTask { try await store.claim(key: "hot", owner: "worker-\(worker):1") }
                }
                var winners = 0
                for try await won in group where won { winners += 1 }
                return winners
            }
            #expect(winners == 1)
        }
    }

    @Test(arguments: StoreKind.allCases) func recordsMemosAndCounters(kind: StoreKind) async throws {
        try await withTestStore(kind) { store in
            _ = try await store.beginRun(
                RunRecord(id: "r", kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
            try await store.saveRecords(runID: "r", group: "m", records: [(1, "{\"b\":1}"), (0, "{\"a\":1}")])
            try await store.saveRecords(runID: "r", group: "m", records: [(1, "{\"b\":2}")])
            try await store.saveRecords(runID: "r", group: "a", records: [(5, "{\"x\":1}"), (5, "{\"x\":2}")])
            try await store.saveRecords(runID: "r", group: "a", records: [])
            let records = try await store.records(runID: "r")
            #expect(records.map(\.group) == ["a", "m", "m"] && records.map(\.index) == [5, 0, 1])
            #expect(records.map(\.json) == ["{\"x\":2}", "{\"a\":1}", "{\"b\":2}"])
            #expect(try await store.memo("x") == nil)
            try await store.setMemo("x", value: "1")
            try await store.setMemo("x", value: "2")
            #expect(try await store.memo("x") == "2")
            try await store.recordLookup(hit: true)
            try await store.recordLookup(hit: false)
            try await store.recordLookup(hit: false)
            let stats = try await store.cacheStatistics()
            #expect(stats.hits == 1 && stats.misses == 2 && stats.entries == 0)
        }
    }
}
