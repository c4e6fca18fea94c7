import Foundation
import GRDB
import ProctorCore

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteStore {
    /// Records the run (or marks a stored one running again) and holds its in-progress lock
    /// until `finishRun`; taken first, so no reader finds the run running and unheld.
    public func beginRun(_ run: RunRecord) async throws -> RunRecord {
        try claims.beginRun(run.id)
        do {
            return try await recordRun(run)
        } catch {
            claims.finishRun(run.id)
            throw error
        }
    }

    private func recordRun(_ run: RunRecord) async throws -> RunRecord {
        try await pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [run.id]) {
                try db.execute(
                    sql: "UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", arguments: [run.id])
                var existing = try Self.decodeRun(row)
                existing.status = .running
                existing.finishedAt = nil
                return existing
            }
            try db.execute(
                sql: """
                    INSERT INTO runs (id, kind, arguments, config, proctor_version, models, tasks, status, started_at,
                        finished_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.id, run.kind, try Self.json(run.arguments), run.config, run.proctorVersion,
                    try Self.json(run.models), try Self.json(run.tasks), run.status.rawValue,
                    run.startedAt.timeIntervalSince1970, run.finishedAt?.timeIntervalSince1970, run.summary,
                ])
            return run
        }
    }

    public func finishRun(id: String, status: RunStatus, summary: String?) async throws {
        defer { claims.finishRun(id) }
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, finished_at = ?, summary = COALESCE(?, summary) WHERE id = ?",
                arguments: [status.rawValue, Date().timeIntervalSince1970, summary, id])
            try self.flushLookups(db)
        }
    }

    public func run(id: String) async throws -> RunRecord {
        let run = try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM runs WHERE id = ? OR id LIKE ? ORDER BY id = ? DESC, id LIMIT 1",
                arguments: [id, id + "%", id]
            ).map(Self.decodeRun)
        }
        guard let run else { throw ProctorError.runNotFound(id, store: location) }
        return try withLiveStatus(run)
    }

    public func runs() async throws -> [RunRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC").map(Self.decodeRun)
        }.map(withLiveStatus)
    }

    /// A run recorded as running that no process holds was cut short (killed, or its machine
    /// went down): it reads as interrupted, and `proctor resume` continues it.
    private func withLiveStatus(_ run: RunRecord) throws -> RunRecord {
        guard run.status == .running, try !claims.isRunActive(run.id) else { return run }
        var interrupted = run
        interrupted.status = .interrupted
        return interrupted
    }

    public func deleteRun(id: String) async throws {
        let full = try await run(id: id).id
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM run_responses WHERE run_id = ?", arguments: [full])
            try db.execute(sql: "DELETE FROM records WHERE run_id = ?", arguments: [full])
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [full])
        }
    }

    public func response(forKey key: String) async throws -> StoredResponse? {
        try await pool.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM responses WHERE key = ?"), arguments: [key]
            ).map(Self.decodeResponse)
        }
    }

    static func decodeResponse(_ row: Row) throws -> StoredResponse {
        let decoder = JSONDecoder()
        return StoredResponse(
            key: row["key"], model: row["model"],
            request: try decoder.decode(GenerationRequest.self, from: Data((row["request"] as String).utf8)),
            result: try decoder.decode(GenerationResult.self, from: Data((row["result"] as String).utf8)),
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// Counted in memory and written with the next answer (or run end): a lookup costs no
    /// round trip of its own. A killed process may lose the counts since its last write.
    public func recordLookup(hit: Bool) async throws {
        pendingLookups.withLock { counts in
            if hit { counts.hits += 1 } else { counts.misses += 1 }
        }
    }

    /// Writes the lookups counted in memory; called inside a write transaction.
    func flushLookups(_ db: Database) throws {
        let (hits, misses) = pendingLookups.withLock { counts in
            defer { counts = (0, 0) }
            return (counts.hits, counts.misses)
        }
        if hits > 0 {
            try db.execute(sql: "UPDATE counters SET value = value + ? WHERE name = 'hits'", arguments: [hits])
        }
        if misses > 0 {
            try db.execute(sql: "UPDATE counters SET value = value + ? WHERE name = 'misses'", arguments: [misses])
        }
    }

    /// Stores the answer, then drops the claim: another process waiting for the key finds the
    /// answer committed when the claim goes.
    public func saveResponse(_ response: StoredResponse, runID: String?, releasingClaimOf owner: String) async throws {
        defer { claims.release(key: response.key, owner: owner) }
        try await saveResponse(response, runID: runID)
    }

    public func saveResponse(_ response: StoredResponse, runID: String?) async throws {
        let request = try response.requestJSON ?? Self.json(response.request)
        let result = try Self.json(response.result)
        try await writer.write { db in
            try Self.insert(db, response, request: request, result: result, runID: runID)
            try self.flushLookups(db)
        }
    }

    static func insert(
        _ db: Database, _ response: StoredResponse, request: String, result: String, runID: String?
    )
        throws
    {
        // Cached statements: compiled once per connection, not once per answer.
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO responses (key, model, request, result, created_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [response.key, response.model, request, result, response.createdAt.timeIntervalSince1970])
        // First-use order is the rowid order (INSERT OR IGNORE keeps the first row), which
        // costs nothing; counting the run's links for each insert made a long run quadratic.
        if let runID { try link(db, key: response.key, runID: runID) }
    }

    static func link(_ db: Database, key: String, runID: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO run_responses (run_id, key, seq) VALUES (?, ?, 0)")
            .execute(arguments: [runID, key])
    }

    public func responseKeys(runID: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT key FROM run_responses WHERE run_id = ? ORDER BY rowid", arguments: [runID])
        }
    }

    public func claim(key: String, owner: String) async throws -> Bool {
        try claims.claim(key: key, owner: owner)
    }

    /// Claims the key, then looks for its answer: one that another process stored before our
    /// claim (or a plain cache hit) is linked to the run and served, and the claim dropped.
    /// The lookup joins the group-committed writes (see `WriteBatcher`): on a busy store it
    /// shares a transaction with other requests' answers instead of opening a read of its own.
    public func claimUnanswered(key: String, owner: String, runID: String?) async throws -> ClaimOutcome {
        guard try claims.claim(key: key, owner: owner) else { return .busy }
        let json: String?
        do {
            json = try await writer.write { db -> String? in
                guard
                    let json = try String.fetchOne(
                        try db.cachedStatement(sql: "SELECT result FROM responses WHERE key = ?"), arguments: [key])
                else { return nil }
                if let runID { try Self.link(db, key: key, runID: runID) }
                return json
            }
        } catch {
            claims.release(key: key, owner: owner)
            throw error
        }
        guard let json else { return .claimed }
        claims.release(key: key, owner: owner)
        return .answered(try JSONDecoder().decode(GenerationResult.self, from: Data(json.utf8)))
    }

    public func release(key: String, owner: String) async throws {
        claims.release(key: key, owner: owner)
    }

    public func memo(_ name: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM memos WHERE name = ?", arguments: [name])
        }
    }

    public func setMemo(_ name: String, value: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO memos (name, value) VALUES (?, ?)", arguments: [name, value])
        }
    }

    public func cacheStatistics() async throws -> CacheStatistics {
        try await pool.read { db in
            let pending = self.pendingLookups.withLock { $0 }
            let hits = try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'hits'") ?? 0
            let misses = try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'misses'") ?? 0
            let entries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses") ?? 0
            return CacheStatistics(hits: hits + pending.hits, misses: misses + pending.misses, entries: entries)
        }
    }

    public func saveRecords(runID: String, group: String, records: [(index: Int, json: String)]) async throws {
        try await pool.write { db in
            for record in records {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO records (run_id, grp, idx, json) VALUES (?, ?, ?, ?)",
                    arguments: [runID, group, record.index, record.json])
            }
        }
    }

    public func records(runID: String) async throws -> [(group: String, index: Int, json: String)] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT grp, idx, json FROM records WHERE run_id = ? ORDER BY grp, idx",
                arguments: [runID]
            ).map { ($0["grp"], $0["idx"], $0["json"]) }
        }
    }

    // MARK: Helpers

    static func json<T: Encodable>(_ value: T) throws -> String { try CanonicalJSON.encode(value) }

    static func decodeRun(_ row: Row) throws -> RunRecord {
        let decoder = JSONDecoder()
        func strings(_ column: String) throws -> [String] {
            try decoder.decode([String].self, from: Data((row[column] as String).utf8))
        }
        return RunRecord(
            id: row["id"], kind: row["kind"], arguments: try strings("arguments"), config: row["config"],
            proctorVersion: row["proctor_version"], models: try strings("models"), tasks: try strings("tasks"),
            status: RunStatus(rawValue: row["status"]) ?? .failed,
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)), summary: row["summary"])
    }
}
