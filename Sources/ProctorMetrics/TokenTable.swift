/// Interns byte strings to dense `Int32` ids so that metrics compare and count integers.
///
/// Open addressing over a flat byte arena: no allocation per token.
struct TokenTable {
    private var arena: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)

    /// How many distinct strings have been interned.
    var count: Int { starts.count }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = start
        while index < end {
            value = (value ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
            index += 1
        }
        return value ^ (value >> 29)
    }

    /// The id of `bytes[start..<end]`, adding it when new.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
        let hashValue = Self.hash(bytes, start, end)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashValue) & mask
        let length = end - start
        while true {
            let id = slots[slot]
            if id < 0 { break }
            let index = Int(id)
            if hashes[index] == hashValue && Int(lengths[index]) == length
                && equal(bytes, start, Int(starts[index]), length)
            {
                return id
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(starts.count)
        starts.append(Int32(arena.count))
        lengths.append(Int32(length))
        hashes.append(hashValue)
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        slots[slot] = id
        if starts.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of a byte array.
    mutating func intern(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { intern($0, 0, $0.count) }
    }

    /// The bytes of an interned id.
    func bytes(of id: Int32) -> ArraySlice<UInt8> {
        let start = Int(starts[Int(id)])
        return arena[start..<start + Int(lengths[Int(id)])]
    }

    private func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ arenaStart: Int, _ length: Int) -> Bool {
        var offset = 0
        while offset < length {
            if bytes[start + offset] != arena[arenaStart + offset] { return false }
            offset += 1
        }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for id in 0..<starts.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(id)
        }
        slots = newSlots
    }
}
