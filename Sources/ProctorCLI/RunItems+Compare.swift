import Foundation
import ProctorCore

/// Statistics settings shared by `compare` and `show`.
struct ComparisonSettings: Sendable {
    var confidence = 0.95
    var alpha = 0.05
    var resamples = Bootstrap.defaultResamples
    var seed = Bootstrap.defaultSeed
}

/// The result of comparing columns (runs or models) on their shared items, metric by metric.
struct RunComparison: Sendable, Codable {
    struct ColumnSummary: Sendable, Codable {
        var label: String
        var run: String
        var model: String
        var mean: Double
        var lower: Double
        var upper: Double
        var n: Int
        var interval: String
    }

    struct Delta: Sendable, Codable {
        var label: String
        var against: String
        var delta: Double
        var lower: Double
        var upper: Double
        var pValue: Double?
        var test: String
        var verdict: String
        var n: Int
        /// Smallest paired difference detectable with 80% power at the test's level, on these items.
        var minimumDetectable: Double?
    }

    struct MetricReport: Sendable, Codable {
        var metric: String
        /// True when every value is 0 or 1 (accuracy-like): McNemar, and 1pt = 0.01.
        var binary: Bool
        /// The size of one point in the metric's units: 0.01 for metrics within [0, 1], else 1.
        var point: Double
        var columns: [ColumnSummary]
        var deltas: [Delta]
    }

    var items: Int
    var dropped: Int
    var tasks: [String]
    var metrics: [MetricReport]
}

extension RunComparison {
    static let better = "better"
    static let worse = "worse"
    static let noDifference = "no detectable difference"

    /// The shared item keys of `columns`, after refusing different tasks (always) and different
    /// item sets (unless `intersect`). Returns the keys and how many items were dropped.
    static func sharedItems(_ columns: [RunItems], intersect: Bool) throws -> (keys: [String], dropped: Int) {
        guard let first = columns.first else { return ([], 0) }
        for column in columns.dropFirst() where column.taskSet != first.taskSet {
            throw ProctorError.invalidArgument(
                "runs evaluate different tasks: \(first.label) has \(first.taskSet.sorted().joined(separator: ", ")); "
                    + "\(column.label) has \(column.taskSet.sorted().joined(separator: ", "))", field: "run")
        }
        let sets = columns.map { Set($0.items.keys) }
        let union = sets.dropFirst().reduce(sets[0]) { $0.union($1) }
        let shared = sets.dropFirst().reduce(sets[0]) { $0.intersection($1) }
        let dropped = union.count - shared.count
        if dropped > 0 && !intersect {
            let counts = zip(columns, sets).map { "\($0.label) has \($1.count)" }.joined(separator: ", ")
            throw ProctorError.invalidArgument(
                "runs cover different items: \(dropped) of \(union.count) items are not in every run (\(counts)); "
                    + "pass --intersect to compare the \(shared.count) shared items", field: "run")
        }
        return (shared.sorted(by: ItemKey.precedes), dropped)
    }

    static func compute(
        _ columns: [RunItems], keys: [String], dropped: Int, settings: ComparisonSettings
    )
        -> RunComparison
    {
        let metricNames = Array(Set(columns.flatMap(\.metricNames))).sorted()
        let primary = columns.first?.primaryMetric
        let ordered = metricNames.filter { $0 == primary } + metricNames.filter { $0 != primary }
        let tasks = Set(keys.compactMap { columns.first?.items[$0]?.task })
        let reports = ordered.map { metric in
            report(metric, columns: columns, keys: keys, clustered: tasks.count > 1, settings: settings)
        }
        return RunComparison(items: keys.count, dropped: dropped, tasks: tasks.sorted(), metrics: reports)
    }

    static func report(
        _ metric: String, columns: [RunItems], keys: [String], clustered: Bool, settings: ComparisonSettings
    ) -> MetricReport {
        let values = columns.map { column in keys.map { column.items[$0]?.metrics[metric] ?? .nan } }
        let finite = values.flatMap { $0.filter(\.isFinite) }
        let binary = !finite.isEmpty && finite.allSatisfy { $0 == 0 || $0 == 1 }
        let point = finite.allSatisfy { $0 >= 0 && $0 <= 1 } ? 0.01 : 1
        let summaries = zip(columns, values).map { column, values in
            let interval: IntervalEstimate
            if clustered {
                let tasks = keys.map { column.items[$0]?.task ?? "" }
                interval = MeanInterval.clustered(values, clusters: tasks, confidence: settings.confidence)
            } else {
                interval = MeanInterval.normal(values, confidence: settings.confidence)
            }
            let n = values.filter(\.isFinite).count
            let mean = n > 0 ? values.filter(\.isFinite).reduce(0, +) / Double(n) : .nan
            return ColumnSummary(
                label: column.label, run: column.run.id, model: column.model, mean: mean, lower: interval.lower,
                upper: interval.upper, n: n, interval: interval.method)
        }
        var deltas: [Delta] = []
        for index in columns.indices.dropFirst() {
            deltas.append(
                delta(
                    values[0], values[index], binary: binary, label: columns[index].label, against: columns[0].label,
                    settings: settings))
        }
        return MetricReport(metric: metric, binary: binary, point: point, columns: summaries, deltas: deltas)
    }

    static func delta(
        _ a: [Double], _ b: [Double], binary: Bool, label: String, against: String, settings: ComparisonSettings
    ) -> Delta {
        let pairs = zip(a, b).filter { $0.0.isFinite && $0.1.isFinite }
        let (x, y) = (pairs.map(\.0), pairs.map(\.1))
        let interval = Bootstrap.pairedDifference(
            x, y, confidence: settings.confidence, resamples: settings.resamples, seed: settings.seed)
        let test = binary ? PairedTests.mcnemar(x, y) : PairedTests.wilcoxon(x, y)
        let difference = pairs.isEmpty ? Double.nan : zip(x, y).reduce(0) { $0 + $1.1 - $1.0 } / Double(pairs.count)
        var verdict = noDifference
        if test.pValue.isFinite && test.pValue < settings.alpha && difference != 0 {
            verdict = difference > 0 ? better : worse
        }
        let differences = zip(x, y).map { $1 - $0 }
        var mde: Double?
        if binary {
            let discordance = Double(differences.filter { $0 != 0 }.count) / Double(max(1, differences.count))
            if discordance > 0 {
                mde = Power.minimumDetectableProportionDifference(
                    n: differences.count, discordance: discordance, alpha: settings.alpha)
            }
        } else if differences.count > 1 {
            let mean = differences.reduce(0, +) / Double(differences.count)
            let sd = (differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count - 1))
                .squareRoot()
            if sd > 0 {
                mde = Power.minimumDetectableEffect(
                    n: differences.count, standardDeviation: sd, design: .paired, alpha: settings.alpha)
            }
        }
        return Delta(
            label: label, against: against, delta: difference, lower: interval.lower, upper: interval.upper,
            pValue: test.pValue.isFinite ? test.pValue : nil,
            test: binary ? "McNemar exact" : "Wilcoxon signed-rank (\(test.method))", verdict: verdict,
            n: pairs.count, minimumDetectable: mde)
    }
}

/// `--fail-if-worse`: "2pt" (absolute points; a point is 0.01 for metrics within [0, 1], 1
/// otherwise), "5%" (relative to the first run's mean), or a bare number (points).
struct WorseThreshold: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable { case points, percent }
    var kind: Kind
    var amount: Double

    init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number: String
        if trimmed.hasSuffix("%") {
            kind = .percent
            number = String(trimmed.dropLast())
        } else if trimmed.hasSuffix("pt") {
            kind = .points
            number = String(trimmed.dropLast(2))
        } else {
            kind = .points
            number = trimmed
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
            throw ProctorError.invalidArgument(
                "--fail-if-worse takes points like 2pt or a relative share like 5%, not \"\(text)\"",
                field: "fail-if-worse")
        }
        amount = value
    }

    var description: String { kind == .points ? "\(Self.format(amount))pt" : "\(Self.format(amount))%" }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The largest drop (in the metric's units) tolerated against a baseline mean.
    func allowedDrop(point: Double, baseline: Double) -> Double {
        kind == .points ? amount * point : amount / 100 * abs(baseline)
    }

    /// The deltas that are significantly worse and drop by more than the threshold.
    func failures(in comparison: RunComparison) -> [(metric: String, delta: RunComparison.Delta, allowed: Double)] {
        comparison.metrics.flatMap { report in
            report.deltas.compactMap { delta in
                let allowed = allowedDrop(point: report.point, baseline: report.columns.first?.mean ?? 0)
                guard delta.verdict == RunComparison.worse, -delta.delta > allowed else { return nil }
                return (report.metric, delta, allowed)
            }
        }
    }
}
