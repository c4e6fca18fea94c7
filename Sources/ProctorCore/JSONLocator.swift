/// Finds the 1-based line of byte offsets in a JSON document, and where each element of a
/// top-level array starts, so that errors can name the line of the entry at fault.
public struct JSONLocator: Sendable {
    private let newlineOffsets: [Int]

    public init(_ bytes: [UInt8]) {
        var offsets: [Int] = []
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { offsets.append(index) }
        newlineOffsets = offsets
    }

    /// The 1-based line that holds the byte at `offset`.
    public func line(ofOffset offset: Int) -> Int {
        var low = 0
        var high = newlineOffsets.count
        while low < high {
            let mid = (low + high) / 2
            if newlineOffsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low + 1
    }

    /// Byte offsets where each element of the top-level array starts; empty when the document
    /// is not an array. Strings and nesting are tracked so brackets inside them do not count.
    public static func topLevelElementOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var depth = 0
        var inString = false
        var escaped = false
        var expectElement = false
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
            if expectElement && !isSpace && byte != UInt8(ascii: "]") {
                offsets.append(index)
                expectElement = false
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 1 && byte == UInt8(ascii: "[") { expectElement = true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectElement = true }
            default: break
            }
        }
        return offsets
    }
}
