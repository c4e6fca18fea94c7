import ProctorCore
import Yams

/// The tasks and groups one task file declares.
public struct TaskFile: Sendable, Hashable {
    public var path: String
    public var tasks: [TaskDefinition]
    public var groups: [TaskGroupDefinition]

    /// Parses a task file's text. `path` is used in messages only.
    public init(text: String, path: String) throws {
        self.path = path
        let root = try TaskFileParser.compose(text, path: path)
        let (tasks, groups) = try TaskFileParser.definitions(from: root, path: path)
        self.tasks = tasks
        self.groups = groups
    }
}

/// A YAML node converted to JSON, with the line every mapping key is on.
struct YAMLDocument {
    var value: JSONValue
    var lines: [String: Int]
    /// Lines of keys inside nested mappings, by dotted path (`dataset.path`).
    var nestedLines: [String: Int]
}

enum TaskFileParser {
    static let knownKeys: [String] = [
        "task", "task_alias", "output_type", "dataset", "fewshot_dataset", "num_fewshot", "fewshot_sampler",
        "fewshot_seed", "fewshot_delimiter", "target_delimiter", "description", "process_docs", "doc_to_text",
        "doc_to_choice", "doc_to_target", "metric_list", "filter_list", "generation_kwargs", "process_results",
        "group", "group_alias", "subgroup", "subgroup_alias", "subtasks", "weight_by_size", "metadata",
    ]

    static func compose(_ text: String, path: String) throws -> YAMLDocument {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, path: path)
        }
        guard let node, case .mapping(let mapping) = node else {
            throw ProctorError.invalidValue(
                "task file", "expected a YAML mapping of task settings", file: path, line: 1)
        }
        var lines: [String: Int] = [:]
        var nested: [String: Int] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            if let line = key.mark?.line { lines[name] = line }
            if case .mapping(let inner) = value {
                for (innerKey, _) in inner {
                    if let innerName = innerKey.string, let line = innerKey.mark?.line {
                        nested["\(name).\(innerName)"] = line
                    }
                }
            }
        }
        return YAMLDocument(value: json(node), lines: lines, nestedLines: nested)
    }

    private static func yamlError(_ error: YamlError, path: String) -> ProctorError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ProctorError.invalidValue("yaml", "YAML syntax error: \(problem)", file: path, line: mark.line)
        default:
            return ProctorError.invalidValue("yaml", "YAML syntax error: \(error)", file: path)
        }
    }

    /// YAML to JSON: scalars become numbers, booleans and null by YAML's core schema.
    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                switch Tag.Name(rawValue: node.tag.rawValue) {
                case .int: if let value = node.int { return .int(value) }
                case .float: if let value = node.float { return .double(value) }
                case .bool: if let value = node.bool { return .bool(value) }
                case .null: return .null
                default: break
                }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            return .object(mapping.map { (key: Node, value: Node) in (key.string ?? "", json(value)) })
        case .sequence(let sequence):
            return .array(sequence.map { json($0) })
        case .alias:
            return .null
        }
    }

    static func definitions(
        from document: YAMLDocument, path: String
    ) throws -> ([TaskDefinition], [TaskGroupDefinition]) {
        let root = document.value
        for key in root.keys where !knownKeys.contains(key) {
            let close = closeMatches(for: key, among: knownKeys)
            let hint = close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?"
            throw ProctorError.invalidValue(key, "unknown task setting\(hint)", file: path, line: document.lines[key])
        }
        guard case .array(let variations)? = root["subtasks"] else {
            let task = try TaskDefinitionBuilder(document: document, path: path, root: root).build()
            var groups: [TaskGroupDefinition] = []
            if let group = task.groups.first {
                groups.append(
                    TaskGroupDefinition(name: group, alias: root["group_alias"]?.displayText, members: [task.name]))
            }
            return ([task], groups)
        }
        var tasks: [TaskDefinition] = []
        var groups: [TaskGroupDefinition] = []
        func addMember(_ member: String, to groupName: String, alias: String?) {
            if let index = groups.firstIndex(where: { $0.name == groupName }) {
                if !groups[index].members.contains(member) { groups[index].members.append(member) }
            } else {
                groups.append(TaskGroupDefinition(name: groupName, alias: alias, members: [member]))
            }
        }
        for (position, variables) in variations.enumerated() {
            guard case .object = variables else {
                throw ProctorError.invalidValue(
                    "subtasks", "entry \(position) must be a mapping of variables", file: path,
                    line: document.lines["subtasks"])
            }
            var expanded = root
            expanded = try substitute(expanded, variables: variables, path: path, line: document.lines["subtasks"])
            let task = try TaskDefinitionBuilder(document: document, path: path, root: expanded).build()
            tasks.append(task)
            // Group chain: group > subgroup > task.
            let chain = task.groups
            for (level, groupName) in chain.enumerated() {
                let member = level + 1 < chain.count ? chain[level + 1] : task.name
                let aliasKey = level == 0 ? "group_alias" : "subgroup_alias"
                addMember(member, to: groupName, alias: expanded[aliasKey]?.displayText)
            }
        }
        if case .bool(let weight)? = root["weight_by_size"] {
            for index in groups.indices { groups[index].weightBySize = weight }
        }
        return (tasks, groups)
    }

    /// Replaces `${variable | filters}` in every string of the task file.
    private static func substitute(
        _ value: JSONValue, variables: JSONValue, path: String, line: Int?
    ) throws
        -> JSONValue
    {
        switch value {
        case .string(let text):
            guard text.contains("${") else { return value }
            do {
                return .string(try Template(text, open: "${", close: "}").render(variables))
            } catch {
                throw ProctorError.invalidTemplate(
                    "subtask variable in '\(text)': \(error.message)", file: path, field: error.field)
            }
        case .array(let items):
            return .array(try items.map { try substitute($0, variables: variables, path: path, line: line) })
        case .object(let pairs):
            return .object(
                try pairs.compactMap { key, item in
                    key == "subtasks" ? nil : (key, try substitute(item, variables: variables, path: path, line: line))
                })
        default:
            return value
        }
    }
}
