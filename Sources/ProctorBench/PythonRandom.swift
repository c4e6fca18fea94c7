import Foundation

/// The parts of CPython's `random.Random` that lm-eval's few-shot sampler uses, bit for bit:
/// the MT19937 generator seeded from an integer (`init_by_array`), `getrandbits`, and
/// `sample(population, k)`. With the same seed, `sample` picks the same indices Python does,
/// so random few-shot blocks match lm-eval's.
struct PythonRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    init(seed: UInt64) {
        var key: [UInt32] = []
        var remaining = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: remaining))
            remaining >>= 32
        } while remaining != 0
        initByArray(key)
    }

    private mutating func initGenrand(_ seed: UInt32) {
        state[0] = seed
        for index in 1..<624 {
            state[index] = 1_812_433_253 &* (state[index - 1] ^ (state[index - 1] >> 30)) &+ UInt32(index)
        }
        position = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1
        var j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
        }
        state[0] = 0x8000_0000
    }

    private mutating func twist() {
        for index in 0..<624 {
            let y = (state[index] & 0x8000_0000) | (state[(index + 1) % 624] & 0x7FFF_FFFF)
            var next = state[(index + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[index] = next
        }
        position = 0
    }

    mutating func nextUInt32() -> UInt32 {
        if position >= 624 { twist() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `getrandbits(k)` for 1 ≤ k ≤ 64.
    mutating func getrandbits(_ bits: Int) -> UInt64 {
        if bits <= 32 { return UInt64(nextUInt32() >> (32 - UInt32(bits))) }
        let low = UInt64(nextUInt32())
        let high = UInt64(nextUInt32() >> (64 - UInt32(bits)))
        return (high << 32) | low
    }

    /// `_randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    mutating func randbelow(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        let bits = Int.bitWidth - n.leadingZeroBitCount
        var value = getrandbits(bits)
        while value >= UInt64(n) { value = getrandbits(bits) }
        return Int(value)
    }

    /// The indices `random.sample(range(n), k)` returns, in order.
    mutating func sampleIndices(populationSize n: Int, count k: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "sample larger than population")
        var setSize = 21
        if k > 5 {
            setSize += Int(pow(4.0, ceil(log(Double(k * 3)) / log(4.0))))
        }
        var result: [Int] = []
        if n <= setSize {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(j)
            }
        }
        return result
    }
}
