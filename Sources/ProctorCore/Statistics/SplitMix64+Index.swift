extension SplitMix64 {
    /// A uniform index in 0..<bound by Lemire's multiply-high (bias below bound/2^64), spelled
    /// out here so a seeded bootstrap never depends on the standard library's `random(in:)`.
    public mutating func index(below bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
