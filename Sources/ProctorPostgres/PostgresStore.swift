import Foundation
import Logging
import PostgresNIO
import ProctorCore

/// A `ResultStore` in a PostgreSQL database, shared by every process (and host) that opens the
/// same address: answers are stored once, claims are atomic, and a claim whose owner stopped
/// answering for `claimTimeout` seconds is taken over.
///
/// The store lives only inside `withStore`, which runs postgres-nio's connection pool for it:
///
///     try await PostgresStore.withStore(url: "postgres://me:pw@db/proctor", logger: logger) { store in
///         try await runEvaluation(store: store)
///     }
public final class PostgresStore: ResultStore {
    /// The schema version this binary writes; a database with a newer one is refused.
    public static let schemaVersion = 1
    /// Seconds `withStore` waits for the server to answer before giving up.
    public static let defaultConnectTimeout: TimeInterval = 5

    /// The address with the password replaced by `***`.
    public let location: String
    let client: PostgresClient
    let logger: Logger
    let password: String?
    let runLocks: RunLocks
    /// The schema of `?schema=`, nil for the default.
    let schema: String?

    private init(client: PostgresClient, target: PostgresURL, logger: Logger, connectTimeout: TimeInterval) {
        self.client = client
        self.location = target.redacted
        self.logger = logger
        self.password = target.password
        self.schema = target.schema
        self.runLocks = RunLocks(target: target, logger: logger, timeout: connectTimeout)
    }

    /// Opens the store at `url` for the duration of `body`.
    ///
    /// Before `body` runs, the server must answer within `connectTimeout` seconds, and the
    /// database (or the `?schema=`) must be empty or a Proctor store: another program's tables
    /// or a newer Proctor's schema are refused before anything is written. Missing tables are
    /// then created. Do not use the store after `body` returns: its connections are closed.
    public static func withStore<T>(
        url: String, logger: Logger, connectTimeout: TimeInterval = defaultConnectTimeout,
        maximumConnections: Int = 8, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        let target = try PostgresURL(url)
        try await prepare(target, logger: logger, connectTimeout: connectTimeout)
        // The pool logs connections cancelled at shutdown as failures (info); keep them for debugging.
        var poolLogger = logger
        if poolLogger.logLevel > .debug { poolLogger.logLevel = max(poolLogger.logLevel, .notice) }
        let client = PostgresClient(
            configuration: target.clientConfiguration(
                connectTimeout: connectTimeout, maximumConnections: max(1, maximumConnections)),
            backgroundLogger: poolLogger)
        let store = PostgresStore(client: client, target: target, logger: logger, connectTimeout: connectTimeout)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self, isolation: isolation) { group in
            // Wait until the pool runs, so the first query does not find it idle (and warn).
            let (started, signal) = AsyncStream<Void>.makeStream()
            group.addTask {
                signal.finish()
                await client.run()
            }
            defer { group.cancelAll() }
            for await _ in started {}
            try await Task.sleep(nanoseconds: 1_000_000)  // the child's next step is marking the pool running
            do {
                let result = try await body(store)
                await store.runLocks.close()
                return result
            } catch {
                await store.runLocks.close()
                throw error
            }
        }
    }

    /// Runs one SQL statement on the database at `url` without opening it as a store
    /// (for tests and repairs); `?schema=` sets the search path, as for a store.
    public static func execute(
        url: String, sql: String, logger: Logger, connectTimeout: TimeInterval = defaultConnectTimeout
    ) async throws {
        let target = try PostgresURL(url)
        let connection = try await connect(target, logger: logger, timeout: connectTimeout)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw ProctorError.storeUnavailable(
                target.redacted, detail: describe(error, hiding: target.password))
        }
    }

    // MARK: Opening

    /// Checks the server answers and the schema is ours (or empty), then creates missing tables.
    private static func prepare(_ target: PostgresURL, logger: Logger, connectTimeout: TimeInterval) async throws {
        let connection = try await connect(target, logger: logger, timeout: connectTimeout)
        do {
            let migrator = PostgresMigrator(connection: connection, target: target, logger: logger)
            if try await migrator.needsMigration() {
                try await migrator.migrate()
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            if let error = error as? ProctorError { throw error }
            throw ProctorError.storeUnavailable(target.redacted, detail: describe(error, hiding: target.password))
        }
    }

    private enum Attempt: Sendable {
        case connected(PostgresConnection)
        case timedOut
    }

    /// Connects and runs `SELECT 1`, giving up after `timeout` seconds (also when the server
    /// accepts the TCP connection but never answers).
    static func connect(_ target: PostgresURL, logger: Logger, timeout: Double) async throws -> PostgresConnection {
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try target.connectionConfiguration(connectTimeout: timeout)
        } catch {
            throw ProctorError.storeUnavailable(target.redacted, detail: "cannot set up TLS: \(error)")
        }
        let connection: PostgresConnection? = try await withThrowingTaskGroup(of: Attempt.self) { group in
            group.addTask {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 0, logger: logger)
                do {
                    try await connection.query("SELECT 1", logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                return .connected(connection)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0.1, timeout) * 1_000_000_000))
                return .timedOut
            }
            do {
                let first = try await group.next()
                group.cancelAll()
                if case .connected(let connection) = first { return connection }
                // Timed out: close a connection that completes while the attempt is cancelled.
                while let late = try? await group.next() {
                    if case .connected(let connection) = late { try? await connection.close() }
                }
                return nil
            } catch {
                group.cancelAll()
                if let error = error as? PSQLError, case .connectTimeout? = error.underlying as? ChannelError {
                    return nil  // postgres-nio's own timeout (it covers the start-up too)
                }
                throw ProctorError.storeUnavailable(target.redacted, detail: describe(error, hiding: target.password))
            }
        }
        guard let connection else {
            throw ProctorError.storeUnavailable(
                target.redacted, detail: "no answer from \(target.host):\(target.port) within \(timeout) s")
        }
        return connection
    }

    // MARK: Errors

    /// A one-line explanation of a postgres-nio error (whose `description` is deliberately
    /// vague), with the password, should it appear, replaced by `***`.
    static func describe(_ error: any Error, hiding password: String?) -> String {
        var text: String
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                text = message
                if let detail = error.serverInfo?[.detail] { text += " (\(detail))" }
                if let state = error.serverInfo?[.sqlState] { text += " [SQLSTATE \(state)]" }
            } else if error.code == .sslUnsupported {
                text = "the server does not offer TLS (use ?sslmode=disable or prefer)"
            } else if let underlying = error.underlying {
                text = describe(underlying, hiding: nil)
            } else {
                text = "\(error.code)"
            }
        } else if let error = error as? NIOConnectionError {
            let place = "\(error.host):\(error.port)"
            if let failure = error.connectionErrors.first {
                let reason = (failure.error as? IOError).map { String(cString: strerror($0.errnoCode)) }
                text = "cannot connect to \(place): \(reason ?? String(describing: failure.error))"
            } else if error.dnsAError != nil || error.dnsAAAAError != nil {
                text = "cannot resolve the host name \(error.host)"
            } else {
                text = "cannot connect to \(place)"
            }
        } else if let error = error as? PostgresDecodingError {
            text = "unexpected data in column '\(error.columnName)' (\(error.code))"
        } else if let error = error as? ProctorError {
            text = error.description
        } else {
            text = String(describing: error)
        }
        if let password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return text
    }

    /// Turns any error of an operation into a `storeUnavailable` error naming this store.
    func storeError(_ error: any Error) -> any Error {
        if error is ProctorError || error is CancellationError { return error }
        return ProctorError.storeUnavailable(location, detail: Self.describe(error, hiding: password))
    }
}
