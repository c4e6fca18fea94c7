extension BenchInstance {
    /// Reorders instances so that those sharing a prefix (an MMLU subject's few-shot block,
    /// or no prefix at all) are adjacent, keeping first-appearance order between prefixes and
    /// document order within one. Send each run of equal prefixes to the backend in one
    /// `loglikelihood` call (or back to back) and its prefix cache evaluates the block once.
    public static func groupedByPrefix(_ instances: [BenchInstance]) -> [BenchInstance] {
        var order: [String] = []
        var buckets: [String: [BenchInstance]] = [:]
        for instance in instances {
            let key = instance.task + "\u{0}" + instance.prefix
            if buckets[key] == nil { order.append(key) }
            buckets[key, default: []].append(instance)
        }
        return order.flatMap { buckets[$0] ?? [] }
    }

    /// Splits instances into runs that share a task and prefix, each at most `maxRequests`
    /// loglikelihood requests (an instance is never split across runs).
    public static func prefixBatches(_ instances: [BenchInstance], maxRequests: Int = 64) -> [[BenchInstance]] {
        var batches: [[BenchInstance]] = []
        var current: [BenchInstance] = []
        var count = 0
        for instance in groupedByPrefix(instances) {
            let size: Int
            if case .loglikelihood(let requests) = instance.request { size = requests.count } else { size = 1 }
            if let last = current.last,
                last.task != instance.task || last.prefix != instance.prefix || count + size > maxRequests
            {
                batches.append(current)
                current = []
                count = 0
            }
            current.append(instance)
            count += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
