import Foundation
import PostgresNIO
import ProctorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Query plumbing shared by the operations.
extension PostgresStore {
    /// Runs database work, reporting its failures as `storeUnavailable` errors naming this store.
    @discardableResult
    func perform<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch {
            throw storeError(error)
        }
    }

    /// Runs `work` in a transaction on one pooled connection: committed when it returns, rolled
    /// back when it throws.
    func transaction(_ work: (PostgresConnection) async throws -> Void) async throws {
        try await perform {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await work(connection)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// The number of rows a query returned (for `RETURNING` clauses).
    func count(_ query: PostgresQuery) async throws -> Int {
        var rows = 0
        for try await _ in try await client.query(query, logger: logger) { rows += 1 }
        return rows
    }

    /// The first column of every row, as text.
    func strings(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await client.query(query, logger: logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    /// Runs, from a query that selects `runColumns`.
    func fetchRuns(_ query: PostgresQuery) async throws -> [RunRecord] {
        var runs: [RunRecord] = []
        let rows = try await client.query(query, logger: logger)
        for try await row in rows.decode(RunRow.self) { runs.append(try Self.decodeRun(row)) }
        return runs
    }

    static func decodeRun(_ row: RunRow) throws -> RunRecord {
        let (id, kind, arguments, config, proctorVersion, models, tasks, status, startedAt, finishedAt, summary) = row
        let decoder = JSONDecoder()
        func strings(_ json: String) throws -> [String] { try decoder.decode([String].self, from: Data(json.utf8)) }
        return RunRecord(
            id: id, kind: kind, arguments: try strings(arguments), config: config, proctorVersion: proctorVersion,
            models: try strings(models), tasks: try strings(tasks), status: RunStatus(rawValue: status) ?? .failed,
            startedAt: Date(timeIntervalSince1970: startedAt),
            finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)), summary: summary)
    }

    /// `text` with LIKE's wildcards (and the escape character) escaped.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func json<T: Encodable>(_ value: T) throws -> String { try CanonicalJSON.encode(value) }
}
