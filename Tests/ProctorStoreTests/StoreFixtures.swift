import Foundation
import Logging
import ProctorCore
import ProctorPostgres
import ProctorSQLite
import Testing

/// The store implementations the behaviour suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

let testLogger = Logger(label: "proctor.store-tests")

/// Makes a fresh, empty SQLite store for one test.
func makeSQLiteStore() throws -> SQLiteStore {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-store-\(UUID())")
    return try SQLiteStore(path: folder.appendingPathComponent("proctor.sqlite").path)
}

/// The PostgreSQL server the tests use; a test fails (it is not skipped) without one.
func postgresTestURL() throws -> String {
    let url = ProcessInfo.processInfo.environment["PROCTOR_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    return try #require(
        url,
        """
        PROCTOR_TEST_POSTGRES_URL is not set: the PostgreSQL store tests need a server. Run `make test`, or \
        `bash scripts/postgres-test-server.sh start` and then \
        `PROCTOR_TEST_POSTGRES_URL=postgres://proctor:proctor@127.0.0.1:54329/proctor_test swift test`
        """)
}

/// `base` with `?schema=NAME` (or `&schema=NAME`) appended.
func postgresURL(_ base: String, schema: String) -> String {
    base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
}

/// A schema name no other test uses.
func freshSchemaName() -> String {
    "proctor_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
}

/// Runs `body` in a fresh schema of the test database, dropping the schema afterwards.
func withFreshPostgresSchema(_ body: (_ base: String, _ url: String) async throws -> Void) async throws {
    let base = try postgresTestURL()
    let schema = freshSchemaName()
    do {
        try await body(base, postgresURL(base, schema: schema))
    } catch {
        try? await PostgresStore.execute(url: base, sql: "DROP SCHEMA IF EXISTS \(schema) CASCADE", logger: testLogger)
        throw error
    }
    try await PostgresStore.execute(url: base, sql: "DROP SCHEMA IF EXISTS \(schema) CASCADE", logger: testLogger)
}

/// Runs `body` with a fresh, empty store of the given kind.
func withTestStore(_ kind: StoreKind, _ body: (any ResultStore) async throws -> Void) async throws {
    switch kind {
    case .sqlite:
        try await body(try makeSQLiteStore())
    case .postgres:
        try await withFreshPostgresSchema { _, url in
            try await PostgresStore.withStore(url: url, logger: testLogger) { store in try await body(store) }
        }
    }
}

func sampleResponse(_ key: String, text: String = "answer") -> StoredResponse {
    StoredResponse(
        key: key, model: "m", request: GenerationRequest(prompt: .text("q-\(key)")),
        result: GenerationResult(text: text, finishReason: .stop, promptTokens: 3, completionTokens: 1))
}
