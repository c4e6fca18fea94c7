import Foundation
import ProctorCore
import ProctorSQLite
import Testing

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
