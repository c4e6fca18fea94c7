import Foundation
import PostgresNIO
import ProctorCore

extension PostgresStore {
    /// Claims older than this (by the database server's clock) are taken over.
    static let claimTimeout: TimeInterval = 300

    static let runColumns =
        "id, kind, arguments, config, proctor_version, models, tasks, status, started_at, finished_at, summary"
    typealias RunRow = (String, String, String, String, String, String, String, String, Double, Double?, String?)

    /// Records the run (or marks a stored one running again) and holds its in-progress lock
    /// until `finishRun`; taken first, so no reader finds the run running and unheld.
    public func beginRun(_ run: RunRecord) async throws -> RunRecord {
        try await perform { try await runLocks.begin(run.id) }
        do {
            return try await recordRun(run)
        } catch {
            await runLocks.finish(run.id)
            throw error
        }
    }

    private func recordRun(_ run: RunRecord) async throws -> RunRecord {
        let arguments = try Self.json(run.arguments)
        let models = try Self.json(run.models)
        let tasks = try Self.json(run.tasks)
        return try await perform {
            // Insert, else resume the stored run; retried should a concurrent delete come between.
            for _ in 0..<3 {
                let inserted = try await count(
                    """
                    INSERT INTO runs (\(unescaped: Self.runColumns)) VALUES (\(run.id), \(run.kind), \(arguments),
                        \(run.config), \(run.proctorVersion), \(models), \(tasks), \(run.status.rawValue),
                        \(run.startedAt.timeIntervalSince1970), \(run.finishedAt?.timeIntervalSince1970),
                        \(run.summary))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """)
                if inserted > 0 { return run }
                let resumed = try await fetchRuns(
                    """
                    UPDATE runs SET status = 'running', finished_at = NULL WHERE id = \(run.id)
                    RETURNING \(unescaped: Self.runColumns)
                    """)
                if let existing = resumed.first { return existing }
            }
            throw ProctorError.storeUnavailable(location, detail: "run '\(run.id)' changed while being resumed")
        }
    }

    public func finishRun(id: String, status: RunStatus, summary: String?) async throws {
        let now = Date().timeIntervalSince1970
        do {
            try await perform {
                try await client.query(
                    """
                    UPDATE runs SET status = \(status.rawValue), finished_at = \(now),
                        summary = COALESCE(\(summary), summary) WHERE id = \(id)
                    """, logger: logger)
            }
        } catch {
            await runLocks.finish(id)
            throw error
        }
        await runLocks.finish(id)
    }

    public func run(id: String) async throws -> RunRecord {
        let prefix = Self.likeEscaped(id) + "%"
        let found = try await perform {
            try await fetchRuns(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(id) OR id LIKE \(prefix)
                ORDER BY (id = \(id)) DESC, id LIMIT 1
                """)
        }
        guard let run = found.first else { throw ProctorError.runNotFound(id, store: location) }
        return try await withLiveStatus([run])[0]
    }

    public func runs() async throws -> [RunRecord] {
        try await withLiveStatus(
            try await perform {
                try await fetchRuns("SELECT \(unescaped: Self.runColumns) FROM runs ORDER BY started_at DESC, id")
            })
    }

    /// A run recorded as running whose advisory lock no connection holds was cut short
    /// (killed, or its machine went down): it reads as interrupted.
    private func withLiveStatus(_ runs: [RunRecord]) async throws -> [RunRecord] {
        guard runs.contains(where: { $0.status == .running }) else { return runs }
        let (space, _) = RunLocks.lockKey("", schema: schema)
        let held: Set<Int64> = try await perform {
            var held: Set<Int64> = []
            let rows = try await client.query(
                """
                SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                    AND classid::bigint = \(space)
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, logger: logger)
            for try await key in rows.decode(Int64.self) { held.insert(key) }
            return held
        }
        return runs.map { run in
            guard run.status == .running, !held.contains(Int64(RunLocks.lockKey(run.id, schema: schema).1)) else {
                return run
            }
            var interrupted = run
            interrupted.status = .interrupted
            return interrupted
        }
    }

    public func deleteRun(id: String) async throws {
        let full = try await run(id: id).id
        try await transaction { connection in
            try await connection.query("DELETE FROM run_responses WHERE run_id = \(full)", logger: logger)
            try await connection.query("DELETE FROM records WHERE run_id = \(full)", logger: logger)
            try await connection.query("DELETE FROM runs WHERE id = \(full)", logger: logger)
        }
    }

    public func response(forKey key: String) async throws -> StoredResponse? {
        let rows: [(String, String, String, String, Double)] = try await perform {
            var found: [(String, String, String, String, Double)] = []
            let rows = try await client.query(
                "SELECT key, model, request, result, created_at FROM responses WHERE key = \(key)", logger: logger)
            for try await row in rows.decode((String, String, String, String, Double).self) { found.append(row) }
            return found
        }
        guard let row = rows.first else { return nil }
        let (key, model, request, result, createdAt) = row
        let decoder = JSONDecoder()
        return StoredResponse(
            key: key, model: model,
            request: try decoder.decode(GenerationRequest.self, from: Data(request.utf8)),
            result: try decoder.decode(GenerationResult.self, from: Data(result.utf8)),
            createdAt: Date(timeIntervalSince1970: createdAt))
    }

    public func recordLookup(hit: Bool) async throws {
        let name = hit ? "hits" : "misses"
        try await perform {
            try await client.query("UPDATE counters SET value = value + 1 WHERE name = \(name)", logger: logger)
        }
    }

    public func saveResponse(_ response: StoredResponse, runID: String?) async throws {
        let request = try Self.json(response.request)
        let result = try Self.json(response.result)
        let createdAt = response.createdAt.timeIntervalSince1970
        try await perform {
            let insert: PostgresQuery = """
                INSERT INTO responses (key, model, request, result, created_at)
                VALUES (\(response.key), \(response.model), \(request), \(result), \(createdAt))
                ON CONFLICT (key) DO NOTHING
                """
            guard let runID else {
                try await client.query(insert, logger: logger)
                return
            }
            // One statement, so the answer and its link are stored together or not at all.
            try await client.query(
                """
                WITH saved AS (
                    INSERT INTO responses (key, model, request, result, created_at)
                    VALUES (\(response.key), \(response.model), \(request), \(result), \(createdAt))
                    ON CONFLICT (key) DO NOTHING)
                INSERT INTO run_responses (run_id, key) VALUES (\(runID), \(response.key))
                ON CONFLICT (run_id, key) DO NOTHING
                """, logger: logger)
        }
    }

    public func responseKeys(runID: String) async throws -> [String] {
        try await perform {
            try await strings("SELECT key FROM run_responses WHERE run_id = \(runID) ORDER BY seq")
        }
    }

    public func claim(key: String, owner: String) async throws -> Bool {
        try await perform {
            for _ in 0..<5 {
                // Free, stale, or already ours: taken in one statement.
                let taken = try await count(
                    """
                    INSERT INTO claims AS c (key, owner, claimed_at)
                    VALUES (\(key), \(owner), EXTRACT(EPOCH FROM clock_timestamp())::double precision)
                    ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, claimed_at = EXCLUDED.claimed_at
                    WHERE c.owner = EXCLUDED.owner OR c.claimed_at < EXCLUDED.claimed_at - \(Self.claimTimeout)
                    RETURNING owner
                    """)
                if taken > 0 { return true }
                var holders: [(String, Double)] = []
                let rows = try await client.query(
                    "SELECT owner, claimed_at FROM claims WHERE key = \(key)", logger: logger)
                for try await row in rows.decode((String, Double).self) { holders.append(row) }
                guard let current = holders.first else { continue }  // released meanwhile
                let (holder, claimedAt) = current
                if ClaimOwner.isAlive(holder) { return false }
                // Its process is gone: take over, unless someone else did first.
                let tookOver = try await count(
                    """
                    UPDATE claims
                    SET owner = \(owner), claimed_at = EXTRACT(EPOCH FROM clock_timestamp())::double precision
                    WHERE key = \(key) AND owner = \(holder) AND claimed_at = \(claimedAt) RETURNING owner
                    """)
                if tookOver > 0 { return true }
            }
            return false
        }
    }

    public func release(key: String, owner: String) async throws {
        try await perform {
            try await client.query("DELETE FROM claims WHERE key = \(key) AND owner = \(owner)", logger: logger)
        }
    }

    public func memo(_ name: String) async throws -> String? {
        try await perform { try await strings("SELECT value FROM memos WHERE name = \(name)").first }
    }

    public func setMemo(_ name: String, value: String) async throws {
        try await perform {
            try await client.query(
                """
                INSERT INTO memos (name, value) VALUES (\(name), \(value))
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                """, logger: logger)
        }
    }

    public func cacheStatistics() async throws -> CacheStatistics {
        try await perform {
            let rows = try await client.query(
                """
                SELECT COALESCE((SELECT value FROM counters WHERE name = 'hits'), 0),
                    COALESCE((SELECT value FROM counters WHERE name = 'misses'), 0),
                    (SELECT COUNT(*) FROM responses)
                """, logger: logger)
            var statistics = CacheStatistics(hits: 0, misses: 0, entries: 0)
            for try await (hits, misses, entries) in rows.decode((Int, Int, Int).self) {
                statistics = CacheStatistics(hits: hits, misses: misses, entries: entries)
            }
            return statistics
        }
    }

    public func saveRecords(runID: String, group: String, records: [(index: Int, json: String)]) async throws {
        // The last record of an index wins, as when saved one by one.
        var latest: [Int: String] = [:]
        for record in records { latest[record.index] = record.json }
        guard !latest.isEmpty else { return }
        let indices = latest.keys.sorted()
        let jsons = indices.map { latest[$0] ?? "" }
        try await perform {
            try await client.query(
                """
                INSERT INTO records (run_id, grp, idx, json)
                SELECT \(runID), \(group), r.idx, r.json
                FROM UNNEST(\(indices)::bigint[], \(jsons)::text[]) AS r(idx, json)
                ON CONFLICT (run_id, grp, idx) DO UPDATE SET json = EXCLUDED.json
                """, logger: logger)
        }
    }

    public func records(runID: String) async throws -> [(group: String, index: Int, json: String)] {
        try await perform {
            var found: [(group: String, index: Int, json: String)] = []
            let rows = try await client.query(
                "SELECT grp, idx, json FROM records WHERE run_id = \(runID) ORDER BY grp, idx", logger: logger)
            for try await (group, index, json) in rows.decode((String, Int, String).self) {
                found.append((group, index, json))
            }
            return found
        }
    }
}
