/// The book's split of instruction data: first 85% train, next 10% test, rest validation,
/// in file order (optionally after a seeded shuffle).
public enum InstructionSplit: String, Sendable, CaseIterable {
    case train, test, validation, all

    /// Items of this part. Counts follow chapter 7: `int(n*0.85)` train, `int(n*0.1)` test.
    public func select<T>(_ items: [T], shuffleSeed: UInt64? = nil) -> [T] {
        var ordered = items
        if let seed = shuffleSeed {
            var rng = SplitMix64(seed: seed)
            ordered.shuffle(using: &rng)
        }
        let trainCount = Int(Double(ordered.count) * 0.85)
        let testCount = Int(Double(ordered.count) * 0.1)
        switch self {
        case .all: return ordered
        case .train: return Array(ordered[..<trainCount])
        case .test: return Array(ordered[trainCount..<(trainCount + testCount)])
        case .validation: return Array(ordered[(trainCount + testCount)...])
        }
    }
}

/// A small, fast, seedable generator (SplitMix64) so shuffles and sampling are reproducible
/// on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
