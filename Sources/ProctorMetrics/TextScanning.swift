/// Byte-level helpers shared by the tokenizers: Python's notion of whitespace, UTF-8 decoding.
///
/// Every reference package splits on Python's `str.split()` whitespace (`str.isspace()`), which
/// is wider than ASCII: it includes U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
/// U+202F, U+205F, U+3000 and the ASCII separators U+001C–U+001F.
enum TextScanning {
    /// Whether the code point is whitespace for Python's `str.isspace()`.
    @inline(__always)
    static func isPythonSpace(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 {
            return (scalar >= 0x09 && scalar <= 0x0D) || (scalar >= 0x1C && scalar <= 0x20)
        }
        switch scalar {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Decodes the scalar starting at `index` in valid UTF-8; returns it and its byte length.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(bytes[index])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return (((b0 & 0x1F) << 6) | (UInt32(bytes[index + 1]) & 0x3F), 2) }
        if b0 < 0xF0 {
            return (
                ((b0 & 0x0F) << 12) | ((UInt32(bytes[index + 1]) & 0x3F) << 6) | (UInt32(bytes[index + 2]) & 0x3F), 3
            )
        }
        return (
            ((b0 & 0x07) << 18) | ((UInt32(bytes[index + 1]) & 0x3F) << 12)
                | ((UInt32(bytes[index + 2]) & 0x3F) << 6) | (UInt32(bytes[index + 3]) & 0x3F), 4
        )
    }

    /// Appends the UTF-8 encoding of a scalar.
    @inline(__always)
    static func encode(_ scalar: UInt32, into out: inout [UInt8]) {
        if scalar < 0x80 {
            out.append(UInt8(scalar))
        } else if scalar < 0x800 {
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Splits valid UTF-8 on Python whitespace and interns each piece.
    static func splitWhitespace(_ bytes: [UInt8], into table: inout TokenTable, tokens: inout [Int32]) {
        tokens.removeAll(keepingCapacity: true)
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            var start = -1
            while index < buffer.count {
                let (scalar, length) = decode(buffer, at: index)
                if isPythonSpace(scalar) {
                    if start >= 0 {
                        tokens.append(table.intern(buffer, start, index))
                        start = -1
                    }
                } else if start < 0 {
                    start = index
                }
                index += length
            }
            if start >= 0 { tokens.append(table.intern(buffer, start, buffer.count)) }
        }
    }

    /// The unicode scalars of a string with every Python-whitespace scalar removed.
    static func scalarsWithoutSpace(_ text: String, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars where !isPythonSpace(scalar.value) { out.append(scalar.value) }
    }
}
