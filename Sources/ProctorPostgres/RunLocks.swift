import Logging
import PostgresNIO

/// Runs in progress, as shared advisory locks held on one connection of this store's own:
/// the server drops them when the connection goes, so a run left `running` by a killed worker
/// reads as interrupted. The connection opens with the first run begun and closes with the
/// store.
///
/// An actor because beginning and finishing runs await the connection and update the counts
/// around it.
actor RunLocks {
    private let target: PostgresURL
    private let logger: Logger
    private let timeout: Double
    private var connection: PostgresConnection?
    /// How many times each run was begun here and not yet finished.
    private var counts: [String: Int] = [:]

    init(target: PostgresURL, logger: Logger, timeout: Double) {
        self.target = target
        self.logger = logger
        self.timeout = timeout
    }

    func begin(_ id: String) async throws {
        let connection = try await openConnection()
        counts[id, default: 0] += 1
        guard counts[id] == 1 else { return }
        let (space, key) = Self.lockKey(id, schema: target.schema)
        do {
            try await connection.query("SELECT pg_advisory_lock_shared(\(space), \(key))", logger: logger)
        } catch {
            counts[id] = nil
            throw error
        }
    }

    func finish(_ id: String) async {
        guard let count = counts[id] else { return }
        if count > 1 {
            counts[id] = count - 1
            return
        }
        counts[id] = nil
        let (space, key) = Self.lockKey(id, schema: target.schema)
        _ = try? await connection?.query("SELECT pg_advisory_unlock_shared(\(space), \(key))", logger: logger)
    }

    func close() async {
        try? await connection?.close()
        connection = nil
    }

    private func openConnection() async throws -> PostgresConnection {
        if let connection { return connection }
        let opened = try await PostgresStore.connect(target, logger: logger, timeout: timeout)
        // Another begin may have opened one while this one connected.
        if let connection {
            try? await opened.close()
            return connection
        }
        connection = opened
        return opened
    }

    /// The two 32-bit keys of a run's advisory lock: the schema (stores in one database keep
    /// apart) and the run id, each hashed to 31 bits (FNV-1a).
    static func lockKey(_ id: String, schema: String?) -> (Int32, Int32) {
        (hash31("proctor runs " + (schema ?? "public")), hash31(id))
    }

    private static func hash31(_ text: String) -> Int32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return Int32(hash & 0x7fff_ffff)
    }
}
