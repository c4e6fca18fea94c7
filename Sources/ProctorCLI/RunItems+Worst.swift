import Foundation
import ProctorCore

/// Items to look at by hand: the lowest-scoring ones, and those whose outcome changed between
/// runs, with prompt, reference and every column's answer side by side.
struct ItemListing: Sendable, Codable {
    struct Answer: Sendable, Codable {
        var label: String
        var value: Double?
        var answer: String?
    }

    struct Entry: Sendable, Codable {
        var key: String
        var prompt: String?
        var reference: String?
        var answers: [Answer]
    }

    var metric: String
    var worst: [Entry]
    /// Items whose outcome differs from the first column's: 0/1 metrics where any column's value
    /// differs; otherwise the largest absolute changes.
    var flips: [Entry]
}

extension ItemListing {
    static func build(_ columns: [RunItems], keys: [String], metric: String, limit: Int) -> ItemListing {
        func entry(_ key: String) -> Entry {
            let first = columns.lazy.compactMap { $0.items[key] }.first
            return Entry(
                key: key, prompt: first?.prompt, reference: first?.reference,
                answers: columns.map { column in
                    Answer(
                        label: column.label, value: column.items[key]?.metrics[metric],
                        answer: column.items[key]?.answer)
                })
        }
        func average(_ key: String) -> Double {
            let values = columns.compactMap { $0.items[key]?.metrics[metric] }
            // Unscored items (no value anywhere) sort first: they are the worst kind.
            return values.isEmpty ? -.infinity : values.reduce(0, +) / Double(values.count)
        }
        let worst = keys.map { ($0, average($0)) }.sorted {
            $0.1 != $1.1 ? $0.1 < $1.1 : ItemKey.precedes($0.0, $1.0)
        }.prefix(limit).map { entry($0.0) }
        var flips: [Entry] = []
        if columns.count > 1 {
            let values = columns.map { column in keys.map { column.items[$0]?.metrics[metric] } }
            let binary = values.joined().allSatisfy { $0 == nil || $0 == 0 || $0 == 1 }
            var changes: [(String, Double)] = []
            for (position, key) in keys.enumerated() {
                guard let base = values[0][position] else { continue }
                let change = values.dropFirst().compactMap { $0[position] }.map { abs($0 - base) }.max() ?? 0
                if change > 0 { changes.append((key, change)) }
            }
            if !binary { changes.sort { $0.1 != $1.1 ? $0.1 > $1.1 : ItemKey.precedes($0.0, $1.0) } }
            flips = changes.prefix(limit).map { entry($0.0) }
        }
        return ItemListing(metric: metric, worst: Array(worst), flips: flips)
    }

    func render(point: Double) -> String {
        var lines: [String] = []
        func show(_ entry: Entry) {
            lines.append("- \(entry.key)")
            if let prompt = entry.prompt { lines.append("    prompt:     \(RunFormatting.oneLine(prompt))") }
            if let reference = entry.reference { lines.append("    reference:  \(RunFormatting.oneLine(reference))") }
            for answer in entry.answers {
                let value = answer.value.map { CompareFormatting.value($0, point: point) } ?? "unscored"
                lines.append("    [\(answer.label)] \(metric) \(value): \(RunFormatting.oneLine(answer.answer ?? ""))")
            }
        }
        lines.append("Lowest-scoring items by \(metric):")
        worst.forEach(show)
        if !flips.isEmpty {
            lines.append("")
            lines.append("Items whose \(metric) changed against \(flips[0].answers[0].label):")
            flips.forEach(show)
        }
        return lines.joined(separator: "\n")
    }
}

enum CompareFormatting {
    /// A metric value: 0-1 metrics as points (×100), others as they are, one decimal.
    static func value(_ value: Double, point: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%.1f", value / point)
    }

    static func signed(_ value: Double, point: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return String(format: "%+.1f", value / point)
    }

    /// "0.0123", "<0.0001"; with `equals`, "= 0.0123" / "< 0.0001" for prose.
    static func pValue(_ p: Double?, equals: Bool = false) -> String {
        guard let p else { return "n/a" }
        if p < 0.0001 { return equals ? "< 0.0001" : "<0.0001" }
        return (equals ? "= " : "") + String(format: "%.4f", p)
    }
}

extension ItemListing {
    /// `proctor show RUN --worst N` for runs other than IFT: the lowest items by the primary metric.
    static func worst(
        of run: RunRecord, records: [(group: String, index: Int, json: String)], limit: Int
    ) throws
        -> String
    {
        let columns = try RunItems.decode(run, records: records)
        guard let metric = columns.first?.primaryMetric else { return "No per-item metrics in run \(run.id)." }
        let keys = Array(Set(columns.flatMap(\.items.keys)))
        let values = columns.flatMap { $0.values(metric).values }
        let point = values.allSatisfy { $0 >= 0 && $0 <= 1 } ? 0.01 : 1
        return build(columns, keys: keys, metric: metric, limit: limit).render(point: point)
    }
}

/// Item keys ("task:12") in natural order: by task, then by number.
enum ItemKey {
    static func precedes(_ a: String, _ b: String) -> Bool {
        let (taskA, numberA) = parts(a)
        let (taskB, numberB) = parts(b)
        if taskA != taskB { return taskA < taskB }
        if numberA != numberB { return numberA < numberB }
        return a < b
    }

    static func parts(_ key: String) -> (String, Int) {
        guard let colon = key.lastIndex(of: ":"), let number = Int(key[key.index(after: colon)...]) else {
            return (key, Int.min)
        }
        return (String(key[..<colon]), number)
    }
}
