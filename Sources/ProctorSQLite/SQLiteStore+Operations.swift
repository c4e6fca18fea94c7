import Foundation
import GRDB
import ProctorCore

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteStore {
    /// Claims older than this are taken over (their process is presumed dead).
    static let claimTimeout: TimeInterval = 300

    public func beginRun(_ run: RunRecord) async throws -> RunRecord {
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
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, finished_at = ?, summary = COALESCE(?, summary) WHERE id = ?",
                arguments: [status.rawValue, Date().timeIntervalSince1970, summary, id])
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
        return run
    }

    public func runs() async throws -> [RunRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC").map(Self.decodeRun)
        }
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
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM responses WHERE key = ?", arguments: [key]) else {
                return nil
            }
            let decoder = JSONDecoder()
            return StoredResponse(
                key: row["key"], model: row["model"],
                request: try decoder.decode(GenerationRequest.self, from: Data((row["request"] as String).utf8)),
                result: try decoder.decode(GenerationResult.self, from: Data((row["result"] as String).utf8)),
                createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    public func recordLookup(hit: Bool) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE counters SET value = value + 1 WHERE name = ?", arguments: [hit ? "hits" : "misses"])
        }
    }

    public func saveResponse(_ response: StoredResponse, runID: String?) async throws {
        let request = try Self.json(response.request)
        let result = try Self.json(response.result)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO responses (key, model, request, result, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [response.key, response.model, request, result, response.createdAt.timeIntervalSince1970])
            if let runID {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO run_responses (run_id, key, seq)
                        VALUES (?, ?, (SELECT COUNT(*) FROM run_responses WHERE run_id = ?))
                        """,
                    arguments: [runID, response.key, runID])
            }
        }
    }

    public func responseKeys(runID: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT key FROM run_responses WHERE run_id = ? ORDER BY seq", arguments: [runID])
        }
    }

    public func claim(key: String, owner: String) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await writer.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT owner, claimed_at FROM claims WHERE key = ?", arguments: [key])
            {
                let holder: String = row["owner"]
                let claimedAt: Double = row["claimed_at"]
                if holder != owner && now - claimedAt < Self.claimTimeout && Self.isAlive(holder) { return false }
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO claims (key, owner, claimed_at) VALUES (?, ?, ?)",
                arguments: [key, owner, now])
            return true
        }
    }

    public func release(key: String, owner: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM claims WHERE key = ? AND owner = ?", arguments: [key, owner])
        }
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
            let hits = try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'hits'") ?? 0
            let misses = try Int.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'misses'") ?? 0
            let entries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM responses") ?? 0
            return CacheStatistics(hits: hits, misses: misses, entries: entries)
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

    /// A claim's owner is "host:pid"; on this host a dead pid frees the claim at once.
    static func isAlive(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else {
            return true
        }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

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
