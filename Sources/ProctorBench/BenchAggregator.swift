import Foundation

/// One aggregated metric of a task or group.
public struct BenchMetricValue: Sendable, Hashable {
    /// The metric name (`acc`, `exact_match`).
    public var metric: String
    /// The filter (`none`, `strict-match`).
    public var filter: String
    public var value: Double
    /// nil where lm-eval writes "N/A": perplexity-type metrics and single samples.
    public var stderr: Double?
    public var higherIsBetter: Bool

    /// `acc,none` — the results-file key.
    public var key: String { "\(metric),\(filter)" }
    /// `acc_stderr,none`.
    public var stderrKey: String { "\(metric)_stderr,\(filter)" }
}

/// The aggregated result of one task or group.
public struct BenchTaskResult: Sendable, Hashable {
    public var name: String
    /// The display alias (` - stem`, `  - abstract_algebra` for nested entries, as lm-eval).
    public var alias: String
    public var isGroup: Bool
    /// Samples (documents) behind the numbers.
    public var sampleCount: Int
    public var metrics: [BenchMetricValue]
    /// Nesting depth: 0 for top-level tasks and groups.
    public var depth: Int
}

/// Aggregation as lm-eval 0.4 computes it.
///
/// - mean metrics (acc, acc_norm, exact_match, mc2): the mean, with stderr = sample standard
///   deviation (ddof 1) / √n; no stderr for n = 1;
/// - word/byte perplexity and bits per byte: corpus-level over all documents
///   (exp(−Σll / Σwords) …); lm-eval reports no stderr for them ("N/A") and neither do we;
/// - `perplexity` (loglikelihood tasks): exp(−mean ll); lm-eval bootstraps its stderr, we
///   report none;
/// - groups: members' values weighted by sample count, stderr pooled
///   (`pooled_sample_stderr`), recursively through subgroups.
public enum BenchAggregator {
    public static func aggregate(_ task: BenchTask, samples: [SampleResult], depth: Int = 0) -> BenchTaskResult {
        let definition = task.definition
        var values: [BenchMetricValue] = []
        for filter in definition.filterNames {
            for metric in definition.metrics {
                let key = filter == "none" ? metric.name : "\(metric.name),\(filter)"
                var value: Double
                var stderr: Double? = nil
                switch metric.name {
                case "word_perplexity", "byte_perplexity", "bits_per_byte":
                    value = BenchTask.rollingMetric(metric.name, samples.compactMap(\.rolling))
                case "perplexity" where definition.outputType == .loglikelihood:
                    let lls = samples.compactMap { $0.metric(key) }
                    value = lls.isEmpty ? .nan : exp(-lls.reduce(0, +) / Double(lls.count))
                default:
                    let items = samples.compactMap { $0.metric(key) }
                    guard !items.isEmpty else { continue }
                    value = items.reduce(0, +) / Double(items.count)
                    stderr = meanStderr(items)
                }
                values.append(
                    BenchMetricValue(
                        metric: metric.name, filter: filter, value: value, stderr: stderr,
                        higherIsBetter: metric.higherIsBetter))
            }
        }
        let alias = definition.alias ?? definition.name
        return BenchTaskResult(
            name: definition.name, alias: indented(alias, depth: depth), isGroup: false, sampleCount: samples.count,
            metrics: values, depth: depth)
    }

    /// lm-eval's `mean_stderr`; nil for fewer than two items.
    public static func meanStderr(_ items: [Double]) -> Double? {
        guard items.count > 1 else { return nil }
        let n = Double(items.count)
        let mean = items.reduce(0, +) / n
        let variance = items.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return variance.squareRoot() / n.squareRoot()
    }

    /// lm-eval's `pooled_sample_stderr`.
    public static func pooledStderr(_ stderrs: [Double], sizes: [Int]) -> Double {
        let total = Double(sizes.reduce(0, +))
        let pooledVariance =
            zip(sizes, stderrs).reduce(0.0) { sum, pair in
                let size = Double(pair.0)
                return sum + (size - 1) * pair.1 * pair.1 * size
            } / (total - Double(sizes.count))
        return (pooledVariance / total).squareRoot()
    }

    /// A group's result from its direct members' results.
    public static func aggregateGroup(
        _ group: TaskGroupDefinition, members: [BenchTaskResult], depth: Int = 0
    )
        -> BenchTaskResult
    {
        var keys: [(String, String, Bool)] = []
        for member in members {
            for metric in member.metrics where !keys.contains(where: { $0.0 == metric.metric && $0.1 == metric.filter })
            {
                keys.append((metric.metric, metric.filter, metric.higherIsBetter))
            }
        }
        var values: [BenchMetricValue] = []
        for (metric, filter, higher) in keys {
            let having = members.compactMap { member -> (BenchMetricValue, Int)? in
                guard let value = member.metrics.first(where: { $0.metric == metric && $0.filter == filter }) else {
                    return nil
                }
                return (value, member.sampleCount)
            }
            let sizes = having.map { group.weightBySize ? $0.1 : 1 }
            let total = Double(sizes.reduce(0, +))
            guard total > 0 else { continue }
            let mean = zip(having, sizes).reduce(0.0) { $0 + $1.0.0.value * Double($1.1) } / total
            let stderrs = having.compactMap(\.0.stderr)
            let stderr: Double? =
                stderrs.count == having.count && having.count > 0
                ? pooledStderr(stderrs, sizes: having.map(\.1)) : nil
            values.append(
                BenchMetricValue(metric: metric, filter: filter, value: mean, stderr: stderr, higherIsBetter: higher))
        }
        return BenchTaskResult(
            name: group.name, alias: indented(group.alias ?? group.name, depth: depth), isGroup: true,
            sampleCount: members.reduce(0) { $0 + $1.sampleCount }, metrics: values, depth: depth)
    }

    static func indented(_ alias: String, depth: Int) -> String {
        depth == 0 ? alias : String(repeating: " ", count: depth) + "- " + alias
    }
}
