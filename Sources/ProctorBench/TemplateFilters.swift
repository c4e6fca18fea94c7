import Foundation

/// The filters of the template language (see `Template`).
enum TemplateFilters {
    static func apply(_ name: String, to value: JSONValue, arguments: [JSONValue]) throws(TemplateError) -> JSONValue {
        switch name {
        case "trim": return try mapStrings(value) { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "upper": return try mapStrings(value) { $0.uppercased() }
        case "lower": return try mapStrings(value) { $0.lowercased() }
        case "capitalize": return try mapStrings(value, pythonCapitalize)
        case "words": return try mapStrings(value) { $0.replacingOccurrences(of: "_", with: " ") }
        case "string": return .string(value.displayText)
        case "int":
            guard let number = value.intValue else { throw .badValue("'\(value.displayText)' is not a whole number") }
            return .int(number)
        case "keys":
            guard case .object(let pairs) = value else {
                throw .badValue("'keys' needs an object, got \(value.kindName)")
            }
            return .array(pairs.map { .string($0.0) })
        case "values":
            guard case .object(let pairs) = value else {
                throw .badValue("'values' needs an object, got \(value.kindName)")
            }
            return .array(pairs.map(\.1))
        case "length":
            switch value {
            case .array(let items): return .int(items.count)
            case .object(let pairs): return .int(pairs.count)
            case .string(let text): return .int(text.count)
            default: throw .badValue("'length' needs a list, object or string, got \(value.kindName)")
            }
        case "first", "last", "at":
            guard case .array(let items) = value else {
                throw .badValue("'\(name)' needs a list, got \(value.kindName)")
            }
            let position: Int
            if name == "at" {
                guard let index = arguments.first?.intValue else {
                    throw .syntax("'at' needs an index, as in '| at: 0'")
                }
                position = index < 0 ? items.count + index : index
            } else {
                position = name == "first" ? 0 : items.count - 1
            }
            guard position >= 0 && position < items.count else {
                throw .badValue("'\(name)' index out of range for a list of \(items.count)")
            }
            return items[position]
        case "index_of":
            guard case .array(let items) = value else {
                throw .badValue("'index_of' needs a list, got \(value.kindName)")
            }
            guard let needle = arguments.first else {
                throw .syntax("'index_of' needs a value, as in '| index_of: answerKey'")
            }
            guard let position = items.firstIndex(where: { $0.displayText == needle.displayText }) else {
                throw .badValue("'\(needle.displayText)' is not in \(value.displayText)")
            }
            return .int(position)
        case "letter":
            guard let index = value.intValue, index >= 0, index < 26 else {
                throw .badValue("'letter' needs an index 0…25, got '\(value.displayText)'")
            }
            return .string(String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index))))
        case "replace":
            guard arguments.count == 2 else {
                throw .syntax("'replace' needs two strings, as in \"| replace: 'a', 'b'\"")
            }
            let old = arguments[0].displayText
            let new = arguments[1].displayText
            guard !old.isEmpty else { throw .syntax("'replace' needs a non-empty string to replace") }
            return try mapStrings(value) { $0.replacingOccurrences(of: old, with: new) }
        case "regex_replace":
            guard arguments.count == 2 else { throw .syntax("'regex_replace' needs a pattern and a replacement") }
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: arguments[0].displayText)
            } catch {
                throw .syntax("invalid regular expression '\(arguments[0].displayText)'")
            }
            let replacement = NSRegularExpression.escapedTemplate(for: arguments[1].displayText)
            return try mapStrings(value) { text in
                regex.stringByReplacingMatches(
                    in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
            }
        case "join":
            guard case .array(let items) = value else { throw .badValue("'join' needs a list, got \(value.kindName)") }
            return .string(items.map(\.displayText).joined(separator: arguments.first?.displayText ?? ""))
        default:
            throw .syntax("unknown filter '\(name)'")
        }
    }

    /// Python's `str.capitalize`: the first character upper-cased, every other one lower-cased.
    static func pythonCapitalize(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst().lowercased()
    }

    private static func mapStrings(
        _ value: JSONValue, _ transform: (String) -> String
    ) throws(TemplateError)
        -> JSONValue
    {
        switch value {
        case .string(let text): return .string(transform(text))
        case .array(let items):
            var mapped: [JSONValue] = []
            for item in items { mapped.append(try mapStrings(item, transform)) }
            return .array(mapped)
        case .int, .double, .bool, .null: return .string(transform(value.displayText))
        case .object: throw .badValue("a text filter got an object")
        }
    }
}

/// Levenshtein distance between two strings (by characters).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Up to `limit` candidates close to `name`: within an edit distance of a third of the
/// name's length (at least 2), or sharing it as a prefix/substring; nearest first.
func closeMatches(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
    let lowered = name.lowercased()
    let threshold = max(2, lowered.count / 3)
    let scored = candidates.compactMap { candidate -> (String, Int)? in
        let distance = editDistance(lowered, candidate.lowercased())
        if distance <= threshold { return (candidate, distance) }
        if lowered.count >= 3 && candidate.lowercased().contains(lowered) { return (candidate, threshold + 1) }
        return nil
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
}
