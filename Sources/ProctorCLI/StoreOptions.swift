import ArgumentParser
import Foundation
import ProctorCore
import ProctorSQLite

/// Where results live, shared by every command that reads or writes runs.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Result store: an SQLite file path (default .proctor/results.sqlite, or $PROCTOR_STORE).",
            valueName: "path"))
    var location: String?

    @Flag(help: "Ask the models even when the store holds an answer (answers are still recorded).")
    var noCache = false

    var resolvedLocation: String {
        location ?? ProcessInfo.processInfo.environment["PROCTOR_STORE"] ?? ".proctor/results.sqlite"
    }

    func open() throws -> any ResultStore {
        let location = resolvedLocation
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw ProctorError.storeUnavailable(
                ModelSpecRedaction.redact(location), detail: "PostgreSQL stores are not available in this build yet")
        }
        return try SQLiteStore(path: location)
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
