import Foundation
import GRDB
import ProctorCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The default `ResultStore`: one SQLite file (WAL mode) through GRDB. Several processes may
/// use one file at once; writes wait for each other (busy timeout) and claims (locks in a
/// sidecar file, see `ClaimLocks`) keep two processes from asking the same question.
public final class SQLiteStore: ResultStore {
    /// The schema version this binary writes; a file with a newer one is refused.
    public static let schemaVersion = 1
    public let location: String
    let pool: DatabasePool
    let writer: WriteBatcher
    let claims: ClaimLocks
    /// Cache lookups counted since the last write (see `recordLookup`).
    let pendingLookups = Mutex<(hits: Int, misses: Int)>((0, 0))

    /// Opens (creating when missing) a store. A file that is not a Proctor database, or one
    /// written by a newer Proctor, is refused before anything is written to it.
    public init(path: String) throws {
        location = path
        try Self.checkExistingFile(path)
        // Opening and migrating is serialised across processes (flock on a sidecar file):
        // two workers creating the same store at once would otherwise both run migrations.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer {
            if lock >= 0 {
                flock(lock, LOCK_UN)
                close(lock)
            }
        }
        if FileManager.default.fileExists(atPath: path) {
            // Check through a read-only connection: opening a pool would already switch a
            // foreign file to WAL mode.
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(30)
            do {
                try Self.checkSchema(try DatabaseQueue(path: path, configuration: readOnly), path: path)
            } catch let error as ProctorError {
                throw error
            } catch {
                throw ProctorError.notAProctorStore(path, detail: "cannot read it as SQLite: \(error)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            writer = WriteBatcher(pool: pool)
            claims = try ClaimLocks(storePath: path)
        } catch {
            throw ProctorError.storeUnavailable(path, detail: "\(error)")
        }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw ProctorError.storeUnavailable(path, detail: "migration failed: \(error)")
        }
    }

    /// Refuses files that are not SQLite, before GRDB touches them.
    private static func checkExistingFile(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if header.isEmpty { return }
        guard header == Data("SQLite format 3\0".utf8) else {
            throw ProctorError.notAProctorStore(path, detail: "the file is not an SQLite database")
        }
    }

    /// Refuses SQLite files of other programs and stores of newer Proctor versions.
    private static func checkSchema(_ pool: some DatabaseReader, path: String) throws {
        let (tables, version) = try pool.read { db -> ([String], Int?) in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            guard tables.contains("proctor_meta") else { return (tables, nil) }
            let version = try Int.fetchOne(db, sql: "SELECT value FROM proctor_meta WHERE key = 'schema_version'")
            return (tables, version)
        }
        // Empty, or being created by another process right now (GRDB's table comes first).
        if Set(tables).isSubset(of: ["grdb_migrations"]) { return }
        guard let version else {
            throw ProctorError.notAProctorStore(
                path, detail: "it holds tables (\(tables.prefix(3).joined(separator: ", "))) but no Proctor schema")
        }
        if version > schemaVersion {
            throw ProctorError.newerStoreSchema(path, found: version, known: schemaVersion)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE proctor_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    INSERT INTO proctor_meta (key, value) VALUES ('schema_version', '1');
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY, kind TEXT NOT NULL, arguments TEXT NOT NULL, config TEXT NOT NULL,
                        proctor_version TEXT NOT NULL, models TEXT NOT NULL, tasks TEXT NOT NULL,
                        status TEXT NOT NULL, started_at DOUBLE NOT NULL, finished_at DOUBLE, summary TEXT);
                    CREATE TABLE responses (
                        key TEXT PRIMARY KEY, model TEXT NOT NULL, request TEXT NOT NULL, result TEXT NOT NULL,
                        created_at DOUBLE NOT NULL);
                    CREATE TABLE run_responses (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL,
                        seq INTEGER NOT NULL, PRIMARY KEY (run_id, key));
                    CREATE TABLE records (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, grp TEXT NOT NULL,
                        idx INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, grp, idx));
                    CREATE TABLE claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, claimed_at DOUBLE NOT NULL);
                    CREATE TABLE memos (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    INSERT INTO counters (name, value) VALUES ('hits', 0), ('misses', 0);
                    """)
        }
        return migrator
    }
}

extension SQLiteStore {
    /// Runs raw SQL on a store file without opening it as a store (for tests and repairs).
    public static func execute(path: String, sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
    }
}
