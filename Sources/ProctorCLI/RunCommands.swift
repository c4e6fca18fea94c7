import ArgumentParser
import Foundation
import ProctorCore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the runs in the result store, newest first.")

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) { try await execute($0) }
    }

    func execute(_ store: any ResultStore) async throws {
        let runs = try await store.runs()
        guard !runs.isEmpty else {
            print("No runs in \(store.location) yet.")
            return
        }
        var table = TextTable(headers: ["id", "when", "kind", "models", "tasks", "status", "headline"])
        for run in runs {
            table.rows.append([
                run.id, RunFormatting.date(run.startedAt), run.kind, run.models.joined(separator: ", "),
                run.tasks.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "),
                run.status.rawValue,
                RunFormatting.headline(run.summary),
            ])
        }
        print(table.render())
    }
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one run: its command, config, status and per-model results.")

    @Argument(help: "Run id (a unique prefix is enough).")
    var run: String

    @Option(help: "Also list the N lowest-scoring items.")
    var worst: Int?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) { try await execute($0) }
    }

    func execute(_ store: any ResultStore) async throws {
        let record = try await store.run(id: run)
        print("Run \(record.id) (\(record.kind), \(record.status.rawValue))")
        print("  started   \(RunFormatting.date(record.startedAt))")
        if let finished = record.finishedAt { print("  finished  \(RunFormatting.date(finished))") }
        if record.status == .interrupted {
            print("  (no process is working on it: `proctor resume \(record.id)` continues it)")
        }
        print("  command   proctor \(record.arguments.joined(separator: " "))")
        print("  proctor   \(record.proctorVersion)")
        print("  results   \(RunFormatting.headline(record.summary))")
        let records = try await store.records(runID: record.id)
        let keys = try await store.responseKeys(runID: record.id)
        print("  stored    \(records.count) item records, \(keys.count) model answers")
        guard let worst, worst > 0 else { return }
        if record.kind != "ift" {
            print("")
            print(try ItemListing.worst(of: record, records: records, limit: worst))
            return
        }
        let entries = records.compactMap { record -> (String, AnnotatedEntry)? in
            (try? JSONDecoder().decode(AnnotatedEntry.self, from: Data(record.json.utf8))).map { (record.group, $0) }
        }
        print("\nLowest-scoring items:")
        for (group, entry) in entries.sorted(by: { ($0.1.score ?? -1) < ($1.1.score ?? -1) }).prefix(worst) {
            print("- [\(group)] #\(entry.index) score \(entry.score.map(String.init) ?? "unscored")")
            print("    instruction: \(RunFormatting.oneLine(entry.instruction))")
            print("    reference:   \(RunFormatting.oneLine(entry.output))")
            print("    answer:      \(RunFormatting.oneLine(entry.modelResponse ?? entry.error ?? ""))")
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a run's per-item results as JSON, JSONL or CSV to stdout.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, jsonl, csv }

    @Argument(help: "Run id (a unique prefix is enough).")
    var run: String

    @Option(help: "json, jsonl or csv.")
    var format: Format = .json

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) { try await execute($0) }
    }

    func execute(_ store: any ResultStore) async throws {
        let record = try await store.run(id: run)
        let records = try await store.records(runID: record.id)
        let rows: [[String: Any]] = records.compactMap { record in
            guard var object = try? JSONSerialization.jsonObject(with: Data(record.json.utf8)) as? [String: Any] else {
                return nil
            }
            object["model"] = record.group
            return object
        }
        switch format {
        case .json:
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        case .jsonl:
            for row in rows {
                print(
                    String(
                        decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self
                    ))
            }
        case .csv:
            let columns = [
                "model", "index", "instruction", "input", "output", "model_response", "score",
                "parse_status", "judge_reply", "error",
            ]
            print(columns.joined(separator: ","))
            for row in rows {
                print(columns.map { RunFormatting.csvField(row[$0]) }.joined(separator: ","))
            }
        }
    }
}

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Delete a run and its item records (cached model answers stay for reuse).")

    @Argument(help: "Run id (a unique prefix is enough).")
    var run: String

    @Flag(help: "Delete the run even while a process is still working on it (that process will then fail).")
    var force = false

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) { try await execute($0) }
    }

    func execute(_ store: any ResultStore) async throws {
        let record = try await store.run(id: run)
        if record.status == .running && !force {
            throw ProctorError.invalidArgument(
                "run \(record.id) is in progress (a process is working on it); stop that process first, "
                    + "or pass --force",
                field: "run")
        }
        try await store.deleteRun(id: record.id)
        print("Deleted run \(record.id).")
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run that was interrupted: runs its command again; answered requests come from the store.")

    @Argument(help: "Run id (a unique prefix is enough).")
    var run: String

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) { try await execute($0) }
    }

    func execute(_ store: any ResultStore) async throws {
        let record = try await store.run(id: run)
        var arguments = record.arguments
        if storeOptions.location != nil && !arguments.contains("--store") {
            arguments += ["--store", storeOptions.resolvedLocation]
        }
        Console.error("resuming \(record.id): proctor \(arguments.joined(separator: " "))")
        var command = try Proctor.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }
}

struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Inspect the answer cache.", subcommands: [Stats.self])

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cache hits, misses and stored answers.")

        @OptionGroup var storeOptions: StoreOptions

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) {
                try await execute($0)
            }
        }

        func execute(_ store: any ResultStore) async throws {
            let stats = try await store.cacheStatistics()
            let lookups = stats.hits + stats.misses
            print("Store \(store.location)")
            print("  stored answers  \(stats.entries)")
            print("  lookups         \(lookups)")
            print(
                "  hits            \(stats.hits)"
                    + (lookups > 0 ? String(format: " (%.1f%%)", 100.0 * Double(stats.hits) / Double(lookups)) : ""))
            print("  misses          \(stats.misses)")
        }
    }
}

enum RunFormatting {
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date) + "Z"
    }

    static func headline(_ summary: String?) -> String {
        guard let summary, let object = try? JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any]
        else { return "" }
        return object.keys.sorted().map { model in
            guard let numbers = object[model] as? [String: Double] else { return model }
            let mean = numbers["mean"].map { String(format: "%.1f", $0) } ?? "n/a"
            return "\(model) \(mean) (\(Int(numbers["scored"] ?? 0))/\(Int(numbers["total"] ?? 0)))"
        }.joined(separator: "; ")
    }

    /// The start of a text on one line, newlines shown as ⏎.
    static func oneLine(_ text: String, limit: Int = 160) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ⏎ ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    static func csvField(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "" }
        let text = "\(value)"
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
