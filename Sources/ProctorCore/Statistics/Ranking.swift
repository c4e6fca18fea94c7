import Foundation

/// Ranks with ties, as `scipy.stats.rankdata(method="average")`.
public enum Ranking {
    /// 1-based ranks; tied values share the mean of the ranks they span.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            // Positions start...end (0-based) hold ranks start+1...end+1.
            let shared = Double(start + end + 2) / 2
            for position in start...end { ranks[order[position]] = shared }
            start = end + 1
        }
        return ranks
    }

    /// The sizes of the groups of equal values (every group, including singletons).
    public static func tieGroups(_ values: [Double]) -> [Int] {
        var counts: [Double: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return Array(counts.values)
    }
}

/// Pairs of finite values, dropping any pair with a NaN or infinity on either side.
func finitePairs(_ x: [Double], _ y: [Double]) -> (x: [Double], y: [Double]) {
    var outX: [Double] = []
    var outY: [Double] = []
    outX.reserveCapacity(min(x.count, y.count))
    outY.reserveCapacity(min(x.count, y.count))
    for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
        outX.append(a)
        outY.append(b)
    }
    return (outX, outY)
}
