/// Sorted-key n-gram counting: the overlap of two multisets without hashing.
///
/// An n-gram is packed into a 128-bit key (up to four 32-bit token ids, or up to six 21-bit
/// unicode scalars), the keys of each side are sorted, and a merge walk sums
/// `min(count in hypothesis, count in reference)` over the distinct keys.
struct NGramKey: Comparable {
    var high: UInt64
    var low: UInt64

    @inline(__always)
    static func < (lhs: NGramKey, rhs: NGramKey) -> Bool {
        lhs.high < rhs.high || (lhs.high == rhs.high && lhs.low < rhs.low)
    }
}

enum NGramOverlap {
    /// Fills `keys` with the sorted `order`-grams of a token-id sequence.
    @inline(__always)
    static func tokenKeys(_ tokens: [Int32], order: Int, into keys: inout [NGramKey]) {
        keys.removeAll(keepingCapacity: true)
        let count = tokens.count - order + 1
        guard count > 0 else { return }
        tokens.withUnsafeBufferPointer { ids in
            for start in 0..<count {
                var high: UInt64 = 0
                var low: UInt64 = 0
                for offset in 0..<order {
                    let id = UInt64(UInt32(bitPattern: ids[start + offset]))
                    if offset < 2 { high = (high << 32) | id } else { low = (low << 32) | id }
                }
                keys.append(NGramKey(high: high, low: low))
            }
        }
        keys.sort()
    }

    /// Fills `keys` with the sorted `order`-grams (order ≤ 6) of a scalar sequence.
    @inline(__always)
    static func scalarKeys(_ scalars: [UInt32], order: Int, into keys: inout [NGramKey]) {
        keys.removeAll(keepingCapacity: true)
        let count = scalars.count - order + 1
        guard count > 0 else { return }
        scalars.withUnsafeBufferPointer { values in
            for start in 0..<count {
                var high: UInt64 = 0
                var low: UInt64 = 0
                for offset in 0..<order {
                    let value = UInt64(values[start + offset])
                    if offset < 3 { high = (high << 21) | value } else { low = (low << 21) | value }
                }
                keys.append(NGramKey(high: high, low: low))
            }
        }
        keys.sort()
    }

    /// `sum over distinct keys of min(count in a, count in b)` for two sorted key arrays.
    static func clippedMatches(_ a: [NGramKey], _ b: [NGramKey]) -> Int {
        var i = 0
        var j = 0
        var matches = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] {
                i += 1
            } else if b[j] < a[i] {
                j += 1
            } else {
                let key = a[i]
                var countA = 0
                while i < a.count && a[i] == key {
                    countA += 1
                    i += 1
                }
                var countB = 0
                while j < b.count && b[j] == key {
                    countB += 1
                    j += 1
                }
                matches += min(countA, countB)
            }
        }
        return matches
    }
}
