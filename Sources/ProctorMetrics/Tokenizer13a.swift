/// sacrebleu's default `13a` tokenizer (mteval-v13a), after BLEU's `rstrip()`, on UTF-8 bytes.
///
/// In order: strip trailing Python whitespace; delete `<skipped>`; delete `-\n`; newline → space;
/// unescape `&quot;` `&amp;` `&lt;` `&gt;` (one pass each, in that order); pad with spaces;
/// then the four regular expressions of sacrebleu's `TokenizerRegexp`, each a left-to-right
/// non-overlapping substitution, and a split on Python whitespace.
struct Tokenizer13a {
    var table = TokenTable()
    private var buffer: [UInt8] = []
    private var scratch: [UInt8] = []

    mutating func tokenize(_ text: String, into tokens: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: text.utf8)
        rstrip()
        if buffer.contains(0x3C) { replace(Self.skipped, with: []) }
        if buffer.contains(0x0A) {
            replace(Self.dashNewline, with: [])
            for index in buffer.indices where buffer[index] == 0x0A { buffer[index] = 0x20 }
        }
        if buffer.contains(0x26) {
            replace(Self.quot, with: [0x22])
            replace(Self.amp, with: [0x26])
            replace(Self.lt, with: [0x3C])
            replace(Self.gt, with: [0x3E])
        }
        splitSymbols()
        splitPeriodsAndCommas()
        splitDashAfterDigit()
        TextScanning.splitWhitespace(buffer, into: &table, tokens: &tokens)
    }

    private static let skipped = Array("<skipped>".utf8)
    private static let dashNewline: [UInt8] = [0x2D, 0x0A]
    private static let quot = Array("&quot;".utf8)
    private static let amp = Array("&amp;".utf8)
    private static let lt = Array("&lt;".utf8)
    private static let gt = Array("&gt;".utf8)

    private mutating func rstrip() {
        var end = 0
        buffer.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                let (scalar, length) = TextScanning.decode(bytes, at: index)
                index += length
                if !TextScanning.isPythonSpace(scalar) { end = index }
            }
        }
        buffer.removeSubrange(end...)
    }

    /// `str.replace(old, new)`: one left-to-right pass, non-overlapping.
    private mutating func replace(_ old: [UInt8], with new: [UInt8]) {
        guard buffer.count >= old.count else { return }
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        var changed = false
        while index < buffer.count {
            if buffer[index] == old[0] && index + old.count <= buffer.count
                && buffer[index..<index + old.count].elementsEqual(old)
            {
                scratch.append(contentsOf: new)
                index += old.count
                changed = true
            } else {
                scratch.append(buffer[index])
                index += 1
            }
        }
        if changed { swap(&buffer, &scratch) }
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    private static func isPeriodOrComma(_ byte: UInt8) -> Bool { byte == 0x2E || byte == 0x2C }

    /// `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 ` (on the space-padded line).
    private mutating func splitSymbols() {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0x20)
        for byte in buffer {
            switch byte {
            case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F:
                scratch.append(0x20)
                scratch.append(byte)
                scratch.append(0x20)
            default:
                scratch.append(byte)
            }
        }
        scratch.append(0x20)
        swap(&buffer, &scratch)
    }

    /// `([^0-9])([\.,])` → `\1 \2 `, then `([\.,])([^0-9])` → ` \1 \2`.
    private mutating func splitPeriodsAndCommas() {
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if !Self.isDigit(byte) && index + 1 < buffer.count && Self.isPeriodOrComma(buffer[index + 1]) {
                scratch.append(byte)
                scratch.append(0x20)
                scratch.append(buffer[index + 1])
                scratch.append(0x20)
                index += 2
            } else {
                scratch.append(byte)
                index += 1
            }
        }
        swap(&buffer, &scratch)
        scratch.removeAll(keepingCapacity: true)
        index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if Self.isPeriodOrComma(byte) && index + 1 < buffer.count && !Self.isDigit(buffer[index + 1]) {
                scratch.append(0x20)
                scratch.append(byte)
                scratch.append(0x20)
                scratch.append(buffer[index + 1])
                index += 2
            } else {
                scratch.append(byte)
                index += 1
            }
        }
        swap(&buffer, &scratch)
    }

    /// `([0-9])(-)` → `\1 \2 `.
    private mutating func splitDashAfterDigit() {
        guard buffer.contains(0x2D) else { return }
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if Self.isDigit(byte) && index + 1 < buffer.count && buffer[index + 1] == 0x2D {
                scratch.append(byte)
                scratch.append(0x20)
                scratch.append(0x2D)
                scratch.append(0x20)
                index += 2
            } else {
                scratch.append(byte)
                index += 1
            }
        }
        swap(&buffer, &scratch)
    }
}
