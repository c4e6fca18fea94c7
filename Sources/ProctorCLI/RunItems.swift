import Foundation
import ProctorCore

/// One item's results in one column: its metric values, the text to show beside them, and the
/// task it belongs to (the cluster for cluster-robust intervals).
struct ItemResult: Sendable, Hashable {
    var task: String
    var metrics: [String: Double]
    var prompt: String?
    var reference: String?
    var answer: String?
}

/// One model's per-item results within one stored run: a column of `compare` or `correlate`.
/// IFT runs hold one column per model; bench runs hold one.
struct RunItems: Sendable {
    var run: RunRecord
    var model: String
    /// Item key ("ift:<index>" or "<task>:<doc_id>") → results.
    var items: [String: ItemResult]

    /// What the run evaluated, for refusing comparisons across tasks: the bench task names, or
    /// "ift" with the data file for instruction-following runs.
    var taskSet: Set<String> { Set(items.values.map(\.task)) }

    /// "RUNID" for a one-model run, "RUNID:MODEL" otherwise.
    var label: String

    /// Every metric name any item has, sorted.
    var metricNames: [String] { Array(Set(items.values.flatMap(\.metrics.keys))).sorted() }

    /// The metric `show --worst` and `compare --worst` rank items by: the IFT score, else the
    /// first of acc, acc_norm, exact_match, else the first name.
    var primaryMetric: String? {
        let names = metricNames
        return ["score", "acc", "acc_norm", "exact_match"].first(where: names.contains) ?? names.first
    }

    /// The values of one metric by item key (items without it are left out).
    func values(_ metric: String) -> [String: Double] {
        items.compactMapValues { $0.metrics[metric] }
    }
}

extension RunItems {
    /// Every column of the runs named by `specs` ("RUN" for all of its models, "RUN:MODEL" for one),
    /// in order. A run id may be a unique prefix.
    static func load(_ specs: [String], from store: any ResultStore) async throws -> [RunItems] {
        var columns: [RunItems] = []
        for spec in specs {
            let (runPart, modelPart) = split(spec)
            let record = try await store.run(id: runPart)
            var loaded = try decode(record, records: try await store.records(runID: record.id))
            if let modelPart {
                let matching = loaded.filter { matches($0.model, modelPart) }
                guard !matching.isEmpty else {
                    throw ProctorError.invalidArgument(
                        "run \(record.id) has no model \"\(modelPart)\"; it has: "
                            + loaded.map(\.model).joined(separator: ", "), field: "run")
                }
                loaded = matching
            }
            guard !loaded.isEmpty else {
                throw ProctorError.invalidArgument("run \(record.id) has no per-item results", field: "run")
            }
            columns += loaded
        }
        return columns
    }

    /// Turns a run's stored records into columns, by the run's kind.
    static func decode(_ run: RunRecord, records: [(group: String, index: Int, json: String)]) throws -> [RunItems] {
        var byModel: [String: [String: ItemResult]] = [:]
        var order: [String] = []
        for record in records {
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(record.json.utf8)) as? [String: Any]
            else { continue }
            let decoded: (String, String, ItemResult)?
            switch run.kind {
            case "ift": decoded = iftItem(object, group: record.group, index: record.index, run: run)
            default: decoded = benchItem(object, group: record.group, index: record.index, run: run)
            }
            guard let (model, key, item) = decoded else { continue }
            if byModel[model] == nil { order.append(model) }
            byModel[model, default: [:]][key] = item
        }
        let several = order.count > 1
        return order.map { model in
            RunItems(
                run: run, model: model, items: byModel[model] ?? [:], label: several ? "\(run.id):\(model)" : run.id)
        }
    }

    /// IFT: group = model, record = AnnotatedEntry; "score" 0-100, null when unparsed (missing).
    static func iftItem(
        _ object: [String: Any], group: String, index: Int, run: RunRecord
    )
        -> (String, String, ItemResult)?
    {
        let itemIndex = (object["index"] as? NSNumber)?.intValue ?? index
        var metrics: [String: Double] = [:]
        if let score = number(object["score"]) { metrics["score"] = score }
        let dataFile = run.tasks.first.map { URL(fileURLWithPath: $0).lastPathComponent }
        let instruction = object["instruction"] as? String ?? ""
        let input = object["input"] as? String ?? ""
        let item = ItemResult(
            task: "ift" + (dataFile.map { " (\($0))" } ?? ""), metrics: metrics,
            prompt: input.isEmpty ? instruction : instruction + "\n" + input, reference: object["output"] as? String,
            answer: (object["model_response"] as? String) ?? (object["error"] as? String))
        return (group, "ift:\(itemIndex)", item)
    }

    /// Bench: one model per run, group = task, record = {doc_id, task, metrics, prompt?, target?,
    /// prediction?}.
    static func benchItem(
        _ object: [String: Any], group: String, index: Int, run: RunRecord
    )
        -> (String, String, ItemResult)?
    {
        let task = object["task"] as? String ?? group
        let docID = (object["doc_id"] as? NSNumber)?.intValue ?? index
        var metrics: [String: Double] = [:]
        for (name, value) in object["metrics"] as? [String: Any] ?? [:] {
            if let value = number(value) { metrics[name] = value }
        }
        let item = ItemResult(
            task: task, metrics: metrics, prompt: text(object["prompt"]), reference: text(object["target"]),
            answer: text(object["prediction"]))
        return (run.models.first ?? run.id, "\(task):\(docID)", item)
    }

    static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        return double.isFinite ? double : nil
    }

    /// A display string for a JSON value: strings as they are, anything else as compact JSON.
    static func text(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let string = value as? String { return string }
        if JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    static func split(_ spec: String) -> (String, String?) {
        guard let colon = spec.firstIndex(of: ":") else { return (spec, nil) }
        return (String(spec[..<colon]), String(spec[spec.index(after: colon)...]))
    }

    /// A model name given on the command line matches the stored label exactly, or as the part
    /// after "#" (served models) or after "local:"/"gguf:".
    static func matches(_ stored: String, _ given: String) -> Bool {
        if stored == given { return true }
        if let hash = stored.lastIndex(of: "#"), stored[stored.index(after: hash)...] == given { return true }
        return RunItems.split(stored).1 == given
    }
}
