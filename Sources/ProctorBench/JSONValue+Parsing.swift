import ProctorCore

extension JSONValue {
    /// Parses one JSON document. `file` and `firstLine` place errors: a JSONL row parsed on
    /// its own passes its line number so errors name the line in the whole file.
    public static func parse(_ text: String, file: String, firstLine: Int = 1) throws -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), file: file, line: firstLine)
        return try parser.parseDocument()
    }

    /// Parses a top-level array and reports the 1-based line where each element starts.
    public static func parseArrayWithLines(_ text: String, file: String) throws -> [(JSONValue, Int)] {
        var parser = JSONParser(bytes: Array(text.utf8), file: file, line: 1)
        return try parser.parseTopLevelArray()
    }
}

/// A small recursive-descent JSON parser that keeps object key order and counts lines.
struct JSONParser {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line: Int

    init(bytes: [UInt8], file: String, line: Int) {
        self.bytes = bytes
        self.file = file
        self.line = line
    }

    mutating func parseDocument() throws -> JSONValue {
        skipSpace()
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    mutating func parseTopLevelArray() throws -> [(JSONValue, Int)] {
        skipSpace()
        guard peek == UInt8(ascii: "[") else { throw fail("expected a JSON array ('[')") }
        index += 1
        var elements: [(JSONValue, Int)] = []
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipSpace()
                let startLine = line
                elements.append((try parseValue(depth: 1), startLine))
                skipSpace()
                if try consumeSeparator(close: UInt8(ascii: "]")) { break }
            }
        }
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON array") }
        return elements
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func fail(_ detail: String) -> ProctorError {
        ProctorError.invalidJSON(file: file, line: line, detail: detail)
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A:
                line += 1
                index += 1
            case 0x20, 0x09, 0x0D: index += 1
            default: return
            }
        }
    }

    /// After an element: `,` continues (false), `close` ends (true).
    private mutating func consumeSeparator(close: UInt8) throws -> Bool {
        guard let byte = peek else { throw fail("unexpected end of input") }
        index += 1
        if byte == UInt8(ascii: ",") { return false }
        if byte == close { return true }
        throw fail("expected ',' or '\(Character(UnicodeScalar(close)))'")
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw fail("nesting too deep") }
        guard let byte = peek else { throw fail("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            var pairs: [(String, JSONValue)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                index += 1
                skipSpace()
                pairs.append((key, try parseValue(depth: depth + 1)))
                skipSpace()
                if try consumeSeparator(close: UInt8(ascii: "}")) { return .object(pairs) }
            }
        case UInt8(ascii: "["):
            index += 1
            var values: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                skipSpace()
                values.append(try parseValue(depth: depth + 1))
                skipSpace()
                if try consumeSeparator(close: UInt8(ascii: "]")) { return .array(values) }
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
        default: return try parseNumber()
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
        let wordBytes = Array(word.utf8)
        guard index + wordBytes.count <= bytes.count, Array(bytes[index..<index + wordBytes.count]) == wordBytes
        else { throw fail("unexpected character '\(Character(UnicodeScalar(bytes[index])))'") }
        index += wordBytes.count
        return value
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        var isInteger = true
        if peek == UInt8(ascii: "-") { index += 1 }
        while let byte = peek {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty, text != "-" else {
            let shown = start < bytes.count ? String(Character(UnicodeScalar(bytes[start]))) : "end of input"
            throw fail("unexpected character '\(shown)'")
        }
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw fail("invalid number '\(text)'") }
        return .double(value)
    }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard let byte = peek else { throw fail("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return String(scalars)
            }
            if byte == 0x0A { throw fail("newline inside a string") }
            if byte == UInt8(ascii: "\\") {
                flush(index)
                index += 1
                guard let escape = peek else { throw fail("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        // A surrogate pair: a second \uXXXX must follow.
                        if peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try hex4()
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    scalars.append(UnicodeScalar(code) ?? "\u{FFFD}")
                default: throw fail("invalid escape '\\\(Character(UnicodeScalar(escape)))'")
                }
                runStart = index
                continue
            }
            index += 1
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw fail("invalid \\u escape") }
        index += 4
        return value
    }
}
