import Foundation
import ProctorCore
import ProctorSQLite
import Testing

/// Makes a fresh, empty store for one test.
func makeSQLiteStore() throws -> SQLiteStore {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-store-\(UUID())")
    return try SQLiteStore(path: folder.appendingPathComponent("proctor.sqlite").path)
}

func sampleResponse(_ key: String, text: String = "answer") -> StoredResponse {
    StoredResponse(
        key: key, model: "m", request: GenerationRequest(prompt: .text("q-\(key)")),
        result: GenerationResult(text: text, finishReason: .stop, promptTokens: 3, completionTokens: 1))
}

@Suite("Result store behaviour")
struct StoreTests {
    @Test func runLifecycleAndResume() async throws {
        let store = try makeSQLiteStore()
        let run = RunRecord(
            id: "ift-abc123", kind: "ift", arguments: ["ift", "--data", "x.json"], config: "{}", models: ["a", "b"],
            tasks: ["x.json"])
        _ = try await store.beginRun(run)
        try await store.finishRun(id: run.id, status: .failed, summary: nil)
        let resumed = try await store.beginRun(run)
        #expect(resumed.status == .running)
        #expect(resumed.arguments == run.arguments)
        try await store.finishRun(id: run.id, status: .finished, summary: "{\"a\":1}")
        let stored = try await store.run(id: "ift-abc")
        #expect(stored.status == .finished && stored.summary == "{\"a\":1}" && stored.finishedAt != nil)
        _ = try await store.beginRun(RunRecord(id: "ift-later", kind: "ift", arguments: [], config: "{}", models: [],
            tasks: [], startedAt: Date().addingTimeInterval(10)))
        #expect(try await store.runs().map(\.id) == ["ift-later", "ift-abc123"])
        try await store.deleteRun(id: "ift-later")
        let error = await #expect(throws: ProctorError.self) { try await store.run(id: "ift-later") }
        #expect(error == .runNotFound)
    }

    @Test func responsesAreStoredOnceAndLinkedInOrder() async throws {
        let store = try makeSQLiteStore()
        _ = try await store.beginRun(RunRecord(id: "r", kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
        try await store.saveResponse(sampleResponse("k2"), runID: "r")
        try await store.saveResponse(sampleResponse("k1"), runID: "r")
        try await store.saveResponse(sampleResponse("k2", text: "other"), runID: "r")
        #expect(try await store.response(forKey: "k2")?.result.text == "answer")
        #expect(try await store.response(forKey: "missing") == nil)
        #expect(try await store.responseKeys(runID: "r") == ["k2", "k1"])
        #expect(try await store.cacheStatistics().entries == 2)
    }

    @Test func claimsKeepOtherLiveOwnersOut() async throws {
        let store = try makeSQLiteStore()
        let me = CachedBackend.defaultOwner
        #expect(try await store.claim(key: "k", owner: me))
        #expect(try await store.claim(key: "k", owner: "elsewhere:1") == false)
        try await store.release(key: "k", owner: me)
        #expect(try await store.claim(key: "k", owner: "elsewhere:1"))
        // A claim of a process on this host that no longer exists is taken over at once.
        let host = ProcessInfo.processInfo.hostName
        #expect(try await store.claim(key: "d", owner: "\(host):999999"))
        #expect(try await store.claim(key: "d", owner: me))
    }

    @Test func recordsMemosAndCounters() async throws {
        let store = try makeSQLiteStore()
        _ = try await store.beginRun(RunRecord(id: "r", kind: "ift", arguments: [], config: "{}", models: [], tasks: []))
        try await store.saveRecords(runID: "r", group: "m", records: [(1, "{\"b\":1}"), (0, "{\"a\":1}")])
        try await store.saveRecords(runID: "r", group: "m", records: [(1, "{\"b\":2}")])
        let records = try await store.records(runID: "r")
        #expect(records.map(\.index) == [0, 1] && records[1].json == "{\"b\":2}")
        try await store.setMemo("x", value: "1")
        #expect(try await store.memo("x") == "1")
        try await store.recordLookup(hit: true)
        try await store.recordLookup(hit: false)
        try await store.recordLookup(hit: false)
        let stats = try await store.cacheStatistics()
        #expect(stats.hits == 1 && stats.misses == 2)
    }
}

@Suite("SQLite store bad input")
struct SQLiteBadInputTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-bad-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func fileThatIsNotSQLiteIsLeftUntouched() throws {
        let path = try folder() + "/notes.sqlite"
        let bytes = Data("just some text, not a database\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ProctorError.self) { try SQLiteStore(path: path) }
        #expect(error == .notAProctorStore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func sqliteFileOfAnotherProgramIsLeftUntouched() async throws {
        let path = try folder() + "/other.sqlite"
        // Build another program's database with a store, then make it foreign.
        do {
            let store = try SQLiteStore(path: path)
            try await store.setMemo("x", value: "y")
        }
        try runSQL(path, "DROP TABLE proctor_meta;")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = #expect(throws: ProctorError.self) { try SQLiteStore(path: path) }
        #expect(error == .notAProctorStore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func newerSchemaIsRefused() async throws {
        let path = try folder() + "/newer.sqlite"
        do { _ = try SQLiteStore(path: path) }
        try runSQL(path, "UPDATE proctor_meta SET value = '99' WHERE key = 'schema_version';")
        let error = #expect(throws: ProctorError.self) { try SQLiteStore(path: path) }
        #expect(error == .newerStoreSchema)
        #expect(error?.description.contains("99") == true)
    }

    /// Changes a database with the store's own engine (GRDB) outside the store's API.
    func runSQL(_ path: String, _ sql: String) throws {
        try SQLiteStore.execute(path: path, sql: sql)
    }
}
