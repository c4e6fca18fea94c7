import Foundation

/// Finds a JSON object inside a judge's reply: first inside a Markdown code fence
/// (```json ... ``` or ``` ... ```), then the first balanced `{...}` span that parses.
enum JSONObjectLocator {
    struct Located {
        var object: [String: Any]
        var fenced: Bool
    }

    static func firstObject(in text: String) -> [String: Any]? { locate(in: text)?.object }

    static func locate(in text: String) -> Located? {
        for block in fencedBlocks(in: text) {
            if let object = firstBalancedObject(in: block) { return Located(object: object, fenced: true) }
        }
        return firstBalancedObject(in: Substring(text)).map { Located(object: $0, fenced: false) }
    }

    /// The contents of each ``` fence, in order (the language tag line dropped).
    static func fencedBlocks(in text: String) -> [Substring] {
        var blocks: [Substring] = []
        var rest = Substring(text)
        while let open = rest.range(of: "```") {
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "```") else { break }
            var body = afterOpen[..<close.lowerBound]
            if let newline = body.firstIndex(of: "\n"), !body[..<newline].contains("{") {
                body = body[body.index(after: newline)...]
            }
            blocks.append(body)
            rest = afterOpen[close.upperBound...]
        }
        return blocks
    }

    /// Tries each `{` in turn: the balanced span from it (strings and escapes respected) that
    /// parses as a JSON object. At most 64 candidates, so a pathological reply stays cheap.
    static func firstBalancedObject(in text: Substring) -> [String: Any]? {
        let bytes = Array(text.utf8)
        var tried = 0
        var start = 0
        while start < bytes.count, tried < 64 {
            guard let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) else { return nil }
            tried += 1
            if let end = balancedEnd(bytes, from: open),
                let object = try? JSONSerialization.jsonObject(with: Data(bytes[open...end])) as? [String: Any]
            {
                return object
            }
            start = open + 1
        }
        return nil
    }

    private static func balancedEnd(_ bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = open
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }
}
