import Foundation
import Logging
import PostgresNIO
import ProctorCore

/// Checks and creates a store's tables over one connection, before the store's pool starts.
struct PostgresMigrator {
    let connection: PostgresConnection
    let target: PostgresURL
    let logger: Logger

    /// Every table of schema version 1, in creation order.
    static let tables = [
        "proctor_meta", "runs", "responses", "run_responses", "records", "claims", "memos", "counters",
    ]

    /// The statements that create schema version 1 (each is idempotent).
    static let version1: [String] = [
        "CREATE TABLE IF NOT EXISTS proctor_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, arguments TEXT NOT NULL, config TEXT NOT NULL,
            proctor_version TEXT NOT NULL, models TEXT NOT NULL, tasks TEXT NOT NULL, status TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION, summary TEXT)
        """,
        """
        CREATE TABLE IF NOT EXISTS responses (
            key TEXT PRIMARY KEY, model TEXT NOT NULL, request TEXT NOT NULL, result TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS run_responses (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL,
            seq BIGINT GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (run_id, key))
        """,
        """
        CREATE TABLE IF NOT EXISTS records (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, grp TEXT NOT NULL, idx BIGINT NOT NULL,
            json TEXT NOT NULL, PRIMARY KEY (run_id, grp, idx))
        """,
        """
        CREATE TABLE IF NOT EXISTS claims (
            key TEXT PRIMARY KEY, owner TEXT NOT NULL, claimed_at DOUBLE PRECISION NOT NULL)
        """,
        "CREATE TABLE IF NOT EXISTS memos (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        "INSERT INTO counters (name, value) VALUES ('hits', 0), ('misses', 0) ON CONFLICT (name) DO NOTHING",
        "INSERT INTO proctor_meta (key, value) VALUES ('schema_version', '1') ON CONFLICT (key) DO NOTHING",
    ]

    /// Serialises concurrent migrations of stores in one database ("PROCTOR" in ASCII).
    static let migrationLock = 0x50_52_4F_43_54_4F_52

    /// Whether tables must be created: false for a complete store of this version; throws for
    /// another program's tables or a newer Proctor's store, having written nothing.
    func needsMigration() async throws -> Bool {
        let tables = try await existingTables()
        if tables.isEmpty { return true }
        guard tables.contains("proctor_meta") else {
            let place = target.schema.map { "schema '\($0)'" } ?? "the database's default schema"
            let hint = target.schema == nil ? "add ?schema=NAME to the address" : "use another ?schema=NAME"
            throw ProctorError.notAProctorStore(
                target.redacted,
                detail: "\(place) holds tables (\(tables.sorted().prefix(3).joined(separator: ", "))) "
                    + "but no Proctor schema; \(hint) to keep Proctor's tables apart")
        }
        let version = try await schemaVersion()
        if version > PostgresStore.schemaVersion {
            throw ProctorError.newerStoreSchema(target.redacted, found: version, known: PostgresStore.schemaVersion)
        }
        return version < PostgresStore.schemaVersion || !Set(Self.tables).isSubset(of: Set(tables))
    }

    /// Creates the schema (when named) and the missing tables in one transaction.
    func migrate() async throws {
        try await run("BEGIN")
        do {
            try await run("SELECT pg_advisory_xact_lock(\(unescaped: String(Self.migrationLock)))")
            if let schema = target.schema {
                // `schema` is a plain identifier (checked when the address was parsed).
                try await run("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)")
            }
            // Another process may have migrated (or upgraded) the store while this one waited.
            if try await existingTables().contains("proctor_meta") {
                let version = try await schemaVersion()
                if version > PostgresStore.schemaVersion {
                    throw ProctorError.newerStoreSchema(
                        target.redacted, found: version, known: PostgresStore.schemaVersion)
                }
            }
            for statement in Self.version1 {
                try await run(PostgresQuery(unsafeSQL: statement))
            }
            try await run("COMMIT")
        } catch {
            try? await run("ROLLBACK")
            throw error
        }
        logger.debug("prepared the Proctor schema", metadata: ["store": "\(target.redacted)"])
    }

    /// Tables in the store's schema (the named one, else the connection's current schema).
    private func existingTables() async throws -> [String] {
        let rows = try await connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = COALESCE(\(target.schema), current_schema())",
            logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    private func schemaVersion() async throws -> Int {
        let rows = try await connection.query(
            "SELECT value FROM proctor_meta WHERE key = 'schema_version'", logger: logger)
        var values: [String] = []
        for try await value in rows.decode(String.self) { values.append(value) }
        guard let text = values.first, let version = Int(text) else {
            throw ProctorError.notAProctorStore(
                target.redacted, detail: "proctor_meta holds no usable schema_version (\(values.first ?? "none"))")
        }
        return version
    }

    private func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }
}
