/// Counts n-grams of every order 1...maxOrder with one sort per side.
///
/// Each sequence element is first renumbered to a small id (1...2^bits − 1) local to the pair.
/// Position i gets the key `id[i] id[i+1] … id[i+maxOrder−1]` packed into a `UInt64`, padded
/// with 0 past the end. Sorted by that key, the positions are also sorted by every shorter
/// prefix, so one sort serves all orders: for order n the n-gram is the key's top n ids, and
/// it exists when its last id is not padding. A merge walk per order then sums
/// `min(count in a, count in b)`.
struct PrefixNGramCounter {
    /// Per order: n-grams in `a`, n-grams in `b`, clipped matches.
    struct OrderCounts {
        var a: Int
        var b: Int
        var matches: Int
    }

    let maxOrder: Int
    let bits: Int
    private var stamp: [UInt32] = []
    private var localId: [UInt32] = []
    private var currentStamp: UInt32 = 0
    private var idsA: [UInt32] = []
    private var idsB: [UInt32] = []
    private var keysA: [UInt64] = []
    private var keysB: [UInt64] = []

    init(maxOrder: Int, bits: Int) {
        precondition(maxOrder * bits <= 64)
        self.maxOrder = maxOrder
        self.bits = bits
    }

    /// Counts for two sequences of non-negative values, or nil when the pair has more distinct
    /// values than `bits` can number (the caller then uses a slower general path).
    mutating func count(_ a: [UInt32], _ b: [UInt32]) -> [OrderCounts]? {
        currentStamp &+= 1
        if currentStamp == 0 {
            for index in stamp.indices { stamp[index] = 0 }
            currentStamp = 1
        }
        var next: UInt32 = 1
        let limit = UInt32((1 << bits) - 1)
        var first: [UInt32] = []
        var second: [UInt32] = []
        var firstKeys: [UInt64] = []
        var secondKeys: [UInt64] = []
        swap(&first, &idsA)
        swap(&second, &idsB)
        swap(&firstKeys, &keysA)
        swap(&secondKeys, &keysB)
        defer {
            swap(&first, &idsA)
            swap(&second, &idsB)
        }
        guard renumber(a, into: &first, next: &next, limit: limit),
            renumber(b, into: &second, next: &next, limit: limit)
        else { return nil }
        makeKeys(first, into: &firstKeys)
        makeKeys(second, into: &secondKeys)
        swap(&firstKeys, &keysA)
        swap(&secondKeys, &keysB)
        var result: [OrderCounts] = []
        result.reserveCapacity(maxOrder)
        for order in 1...maxOrder {
            result.append(
                OrderCounts(
                    a: max(0, a.count - order + 1), b: max(0, b.count - order + 1),
                    matches: matches(order: order)))
        }
        return result
    }

    private mutating func renumber(
        _ values: [UInt32], into ids: inout [UInt32], next: inout UInt32, limit: UInt32
    )
        -> Bool
    {
        ids.removeAll(keepingCapacity: true)
        for value in values {
            let slot = Int(value)
            if slot >= stamp.count {
                let size = max(slot + 1, stamp.count * 2, 1024)
                stamp.append(contentsOf: repeatElement(0, count: size - stamp.count))
                localId.append(contentsOf: repeatElement(0, count: size - localId.count))
            }
            if stamp[slot] != currentStamp {
                if next > limit { return false }
                stamp[slot] = currentStamp
                localId[slot] = next
                next += 1
            }
            ids.append(localId[slot])
        }
        return true
    }

    private func makeKeys(_ ids: [UInt32], into keys: inout [UInt64]) {
        keys.removeAll(keepingCapacity: true)
        let count = ids.count
        ids.withUnsafeBufferPointer { values in
            for start in 0..<count {
                var key: UInt64 = 0
                for offset in 0..<maxOrder {
                    key <<= UInt64(bits)
                    if start + offset < count { key |= UInt64(values[start + offset]) }
                }
                keys.append(key)
            }
        }
        keys.sort()
    }

    private func matches(order: Int) -> Int {
        let shift = UInt64(bits * (maxOrder - order))
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        var total = 0
        keysA.withUnsafeBufferPointer { a in
            keysB.withUnsafeBufferPointer { b in
                var i = 0
                var j = 0
                while i < a.count && j < b.count {
                    let keyA = a[i] >> shift
                    if keyA & mask == 0 {
                        i += 1
                        continue
                    }
                    let keyB = b[j] >> shift
                    if keyB & mask == 0 {
                        j += 1
                        continue
                    }
                    if keyA < keyB {
                        i += 1
                    } else if keyB < keyA {
                        j += 1
                    } else {
                        var countA = 0
                        while i < a.count && a[i] >> shift == keyA {
                            countA += 1
                            i += 1
                        }
                        var countB = 0
                        while j < b.count && b[j] >> shift == keyB {
                            countB += 1
                            j += 1
                        }
                        total += min(countA, countB)
                    }
                }
            }
        }
        return total
    }
}

extension Array where Element == Int32 {
    /// The ids as unsigned values (token ids are never negative).
    var asUInt32: [UInt32] { map { UInt32(bitPattern: $0) } }
}
