import ArgumentParser
import Foundation
import Logging
import ProctorCore
import ProctorPostgres
import ProctorSQLite

/// Where results live, shared by every command that reads or writes runs.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Result store: an SQLite file path (default .proctor/results.sqlite, or $PROCTOR_STORE); "
                + "`none` records nothing and caches nothing.",
            valueName: "path"))
    var location: String?

    @Flag(help: "Ask the models even when the store holds an answer (answers are still recorded).")
    var noCache = false

    var resolvedLocation: String {
        location ?? ProcessInfo.processInfo.environment["PROCTOR_STORE"] ?? ".proctor/results.sqlite"
    }

    /// Whether `--store none` turned recording off.
    var isDisabled: Bool { resolvedLocation == "none" }

    var isPostgres: Bool {
        resolvedLocation.hasPrefix("postgres://") || resolvedLocation.hasPrefix("postgresql://")
    }

    /// Opens the store for the duration of `body` (a PostgreSQL pool runs only inside it).
    func withStore<T>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation, _ body: (any ResultStore) async throws -> T
    ) async throws -> T {
        let location = resolvedLocation
        if location == "none" {
            throw ProctorError.invalidArgument(
                "this command needs a result store; `--store none` has none", field: "store")
        }
        if isPostgres {
            return try await PostgresStore.withStore(url: location, logger: logger) { try await body($0) }
        }
        return try await body(try SQLiteStore(path: location))
    }

    /// Like `withStore`, with nil for `--store none`.
    func withOptionalStore<T>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: ((any ResultStore)?) async throws -> T
    ) async throws -> T {
        if isDisabled { return try await body(nil) }
        return try await withStore(logger: logger) { try await body($0) }
    }
}

/// Keeps passwords out of messages.
enum ModelSpecRedaction {
    static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
