import Foundation

/// Aggregated results of a run, in lm-eval's tree order (a group, then its members).
public struct BenchReport: Sendable {
    public let results: [BenchTaskResult]
    /// Each group's (and each task's) direct members, lm-eval's `group_subtasks`.
    public let groupSubtasks: [(String, [String])]
    let tasks: [BenchTask]
    let groups: [TaskGroupDefinition]

    /// Aggregates `samples` (by task name) of `tasks`; `groups` are the groups that were
    /// asked for (from `TaskCatalog.resolve`).
    public init(tasks: [BenchTask], groups: [TaskGroupDefinition], samples: [String: [SampleResult]]) {
        self.tasks = tasks
        self.groups = groups
        let taskByName = Dictionary(tasks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let groupByName = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let nested = Set(groups.flatMap(\.members))
        var roots: [String] = []
        for task in tasks {
            let top = task.definition.groups.first { groupByName[$0] != nil && !nested.contains($0) } ?? task.name
            if !roots.contains(top) { roots.append(top) }
        }
        var ordered: [BenchTaskResult] = []
        var subtasks: [(String, [String])] = []
        func visit(_ name: String, depth: Int) -> BenchTaskResult? {
            if let group = groupByName[name] {
                let position = ordered.count
                var members: [BenchTaskResult] = []
                var memberNames: [String] = []
                for member in group.members {
                    if let result = visit(member, depth: depth + 1) {
                        members.append(result)
                        memberNames.append(member)
                    }
                }
                guard !members.isEmpty else { return nil }
                let result = BenchAggregator.aggregateGroup(group, members: members, depth: depth)
                ordered.insert(result, at: position)
                subtasks.append((name, memberNames))
                return result
            }
            guard let task = taskByName[name] else { return nil }
            let result = BenchAggregator.aggregate(task, samples: samples[name] ?? [], depth: depth)
            ordered.append(result)
            subtasks.append((name, []))
            return result
        }
        for root in roots { _ = visit(root, depth: 0) }
        self.results = ordered
        self.groupSubtasks = subtasks
    }

    /// The results file in lm-eval 0.4's layout: `results`, `groups`, `group_subtasks`,
    /// `configs`, `versions`, `n-shot`, `higher_is_better`, `n-samples`, then `config`
    /// (what the caller passes: model, limit, …) and `date`.
    public func lmEvalJSON(config: JSONValue = .object([]), date: Date = Date()) -> JSONValue {
        func entry(_ result: BenchTaskResult) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("alias", .string(result.alias))]
            for metric in result.metrics {
                pairs.append((metric.key, .double(metric.value)))
                pairs.append((metric.stderrKey, metric.stderr.map { .double($0) } ?? .string("N/A")))
            }
            return .object(pairs)
        }
        let taskByName = Dictionary(tasks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var versions: [(String, JSONValue)] = []
        var shots: [(String, JSONValue)] = []
        var higher: [(String, JSONValue)] = []
        var configs: [(String, JSONValue)] = []
        var counts: [(String, JSONValue)] = []
        for result in results {
            higher.append(
                (
                    result.name,
                    .object(
                        result.metrics.reduce(into: []) { pairs, metric in
                            if !pairs.contains(where: { $0.0 == metric.metric }) {
                                pairs.append((metric.metric, .bool(metric.higherIsBetter)))
                            }
                        })
                ))
            if let task = taskByName[result.name] {
                versions.append((result.name, task.definition.version))
                shots.append((result.name, .int(task.numFewshot)))
                configs.append((result.name, configEntry(task)))
                counts.append(
                    (
                        result.name,
                        .object([("original", .int(task.originalCount)), ("effective", .int(result.sampleCount))])
                    ))
            } else {
                versions.append((result.name, groups.first { $0.name == result.name }?.version ?? .int(1)))
            }
        }
        let formatter = ISO8601DateFormatter()
        return .object([
            ("results", .object(results.map { ($0.name, entry($0)) })),
            ("groups", .object(results.filter(\.isGroup).map { ($0.name, entry($0)) })),
            ("group_subtasks", .object(groupSubtasks.map { ($0.0, .array($0.1.map { .string($0) })) })),
            ("configs", .object(configs)),
            ("versions", .object(versions)),
            ("n-shot", .object(shots)),
            ("higher_is_better", .object(higher)),
            ("n-samples", .object(counts)),
            ("config", config),
            ("date", .string(formatter.string(from: date))),
        ])
    }

    private func configEntry(_ task: BenchTask) -> JSONValue {
        guard case .object(var pairs) = task.definition.config else { return task.definition.config }
        pairs.removeAll { $0.0 == "num_fewshot" }
        pairs.append(("num_fewshot", .int(task.numFewshot)))
        return .object(pairs)
    }

    /// One per-sample record: `doc_id`, `task`, `prompt`, `target`, `arguments`,
    /// `loglikelihoods`, `is_greedy`, `resps`, `filtered_resps`, `prediction`, `metrics`.
    public static func sampleRecord(_ sample: SampleResult) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("doc_id", .int(sample.docID)),
            ("task", .string(sample.task)),
            ("prompt", .string(sample.prompt)),
            ("target", .string(sample.target)),
            ("arguments", arguments(sample.request)),
        ]
        if !sample.loglikelihoods.isEmpty {
            pairs.append(("loglikelihoods", .array(sample.loglikelihoods.map { .double($0) })))
        }
        if !sample.isGreedy.isEmpty { pairs.append(("is_greedy", .array(sample.isGreedy.map { .bool($0) }))) }
        if let response = sample.response { pairs.append(("resps", .array([.string(response)]))) }
        if let rolling = sample.rolling {
            pairs.append(("words", .int(rolling.words)))
            pairs.append(("bytes", .int(rolling.bytes)))
        }
        pairs.append(("filtered_resps", .object(sample.filteredResponses.map { ($0.0, .string($0.1)) })))
        pairs.append(("prediction", .string(sample.prediction)))
        pairs.append(("metrics", .object(sample.metrics.map { ($0.0, .double($0.1)) })))
        return .object(pairs)
    }

    static func arguments(_ request: BenchRequest) -> JSONValue {
        switch request {
        case .loglikelihood(let requests):
            return .array(requests.map { .array([.string($0.context), .string($0.continuation)]) })
        case .generation(let request):
            let prompt: String
            switch request.prompt {
            case .text(let text): prompt = text
            case .chat(let messages): prompt = messages.map(\.content).joined(separator: "\n")
            }
            return .array([
                .string(prompt),
                .object([
                    ("until", .array(request.settings.stop.map { .string($0) })),
                    ("max_gen_toks", .int(request.settings.maxTokens)),
                    ("temperature", .double(request.settings.temperature)),
                ]),
            ])
        case .rolling(let text):
            return .array([.string(text)])
        }
    }
}
