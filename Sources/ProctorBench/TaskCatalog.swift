import Foundation
import ProctorCore

/// The tasks and groups asked for, expanded: groups bring all their tasks.
public struct TaskSelection: Sendable {
    public var tasks: [TaskDefinition]
    /// The groups involved (a requested group and its subgroups), for `BenchReport`.
    public var groups: [TaskGroupDefinition]
}

/// Every known task: the built-in task files shipped in the module's `Tasks` folder plus any
/// the user adds (`--tasks-dir`, or a `.yaml` path given as a task name).
public struct TaskCatalog: Sendable {
    public private(set) var files: [TaskFile] = []

    public init(files: [TaskFile] = []) { self.files = files }

    /// The built-in tasks (arc_easy, arc_challenge, mmlu, hellaswag, piqa, truthfulqa_mc1,
    /// truthfulqa_mc2, gsm8k).
    public static func builtIn() throws -> TaskCatalog {
        var catalog = TaskCatalog()
        guard let folder = Bundle.module.url(forResource: "Tasks", withExtension: nil) else {
            throw ProctorError.fileNotFound("Tasks", what: "built-in task folder in the ProctorBench resources")
        }
        for path in try yamlFiles(in: folder.path) {
            let name = (path as NSString).lastPathComponent
            catalog.files.append(try TaskFile(text: try DatasetLoader.readText(path), path: "<built-in>/\(name)"))
        }
        return catalog
    }

    /// Adds a task file, or every `.yaml`/`.yml` file in a folder. Later files override
    /// earlier tasks of the same name.
    public mutating func add(contentsOf path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ProctorError.fileNotFound(path, what: "task file")
        }
        let paths = isDirectory.boolValue ? try Self.yamlFiles(in: path) : [path]
        for file in paths {
            let loaded = try TaskFile(text: try DatasetLoader.readText(file), path: file)
            let names = Set(loaded.tasks.map(\.name) + loaded.groups.map(\.name))
            for index in files.indices {
                files[index].tasks.removeAll { names.contains($0.name) }
                files[index].groups.removeAll { names.contains($0.name) }
            }
            files.append(loaded)
        }
    }

    private static func yamlFiles(in folder: String) throws -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw ProctorError.fileNotFound(folder, what: "task folder")
        }
        return entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    public var tasks: [TaskDefinition] { files.flatMap(\.tasks) }
    public var groups: [TaskGroupDefinition] { files.flatMap(\.groups) }

    /// Every name `resolve` accepts: groups and tasks, sorted.
    public var names: [String] { (groups.map(\.name) + tasks.map(\.name)).sorted() }

    public func task(named name: String) -> TaskDefinition? { tasks.last { $0.name == name } }
    public func group(named name: String) -> TaskGroupDefinition? { groups.last { $0.name == name } }

    /// Expands task and group names (and paths of `.yaml` files) into tasks, in the order
    /// given, without duplicates. An unknown name is an error listing close matches.
    public func resolve(_ requested: [String]) throws -> TaskSelection {
        guard !requested.isEmpty else {
            throw ProctorError.invalidArgument("no task given; see `proctor tasks` for the list", field: "tasks")
        }
        var catalog = self
        var selected: [TaskDefinition] = []
        var selectedGroups: [TaskGroupDefinition] = []
        func addGroup(_ group: TaskGroupDefinition) throws {
            if !selectedGroups.contains(where: { $0.name == group.name }) { selectedGroups.append(group) }
            for member in group.members { try add(member) }
        }
        func add(_ name: String) throws {
            if let group = catalog.group(named: name) {
                try addGroup(group)
            } else if let task = catalog.task(named: name) {
                if !selected.contains(where: { $0.name == task.name }) { selected.append(task) }
            } else {
                throw unknownTask(name, catalog: catalog)
            }
        }
        for name in requested {
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                try catalog.add(contentsOf: name)
                guard let file = catalog.files.last else { continue }
                if let top = file.groups.first(where: { group in
                    !file.groups.contains { $0.members.contains(group.name) }
                }) {
                    try addGroup(top)
                } else {
                    for task in file.tasks { try add(task.name) }
                }
            } else {
                try add(name)
            }
        }
        return TaskSelection(tasks: selected, groups: selectedGroups)
    }

    private func unknownTask(_ name: String, catalog: TaskCatalog) -> ProctorError {
        // Subject-level MMLU names are many; compare against all, show the nearest few.
        let close = closeMatches(for: name, among: catalog.names)
        let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
        return ProctorError.invalidArgument(
            "unknown task '\(name)'\(hint) (`proctor tasks` lists them all)", field: "tasks")
    }

    /// One entry per top-level group and per task, for `proctor tasks`. (Every file was
    /// already checked while parsing: settings, output type, metrics, template syntax.)
    public func summaries() -> [TaskSummary] {
        var summaries: [TaskSummary] = []
        for group in groups where !groups.contains(where: { $0.members.contains(group.name) }) {
            summaries.append(
                TaskSummary(
                    name: group.name, isGroup: true, outputType: nil, numFewshot: nil,
                    dataPath: nil, source: files.first { $0.groups.contains(group) }?.path ?? "",
                    memberCount: leafCount(group)))
        }
        for task in tasks {
            summaries.append(
                TaskSummary(
                    name: task.name, isGroup: false, outputType: task.outputType, numFewshot: task.numFewshot,
                    dataPath: task.dataset.path, source: task.sourceFile, memberCount: 0))
        }
        return summaries
    }

    private func leafCount(_ group: TaskGroupDefinition) -> Int {
        group.members.reduce(0) { count, member in
            if let inner = self.group(named: member) { return count + leafCount(inner) }
            return count + 1
        }
    }
}

/// One line of `proctor tasks`.
public struct TaskSummary: Sendable, Hashable {
    public var name: String
    public var isGroup: Bool
    public var outputType: BenchOutputType?
    public var numFewshot: Int?
    /// The data file, relative to `--data-dir`.
    public var dataPath: String?
    public var source: String
    /// Tasks inside a group.
    public var memberCount: Int
}
