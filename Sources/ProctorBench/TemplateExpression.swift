import Foundation

/// One `{{ … }}` placeholder: a primary value and a chain of filters.
struct TemplateExpression: Sendable, Hashable {
    indirect enum Primary: Sendable, Hashable {
        case path([PathSegment])
        case literal(JSONValue)
        case list([Primary])
    }

    enum PathSegment: Sendable, Hashable {
        case key(String)
        case index(Int)
        case each
    }

    struct Filter: Sendable, Hashable {
        var name: String
        var arguments: [Primary]
    }

    var primary: Primary
    var filters: [Filter]

    static let filterNames: Set<String> = [
        "trim", "upper", "lower", "capitalize", "words", "keys", "values", "length", "first", "last", "at",
        "index_of", "letter", "replace", "regex_replace", "join", "string", "int",
    ]

    var fieldNames: [String] {
        var names: [String] = []
        func collect(_ primary: Primary) {
            switch primary {
            case .path(let segments): names.append(Self.pathText(segments))
            case .literal: break
            case .list(let items): items.forEach(collect)
            }
        }
        collect(primary)
        for filter in filters { filter.arguments.forEach(collect) }
        return names
    }

    static func pathText(_ segments: [PathSegment]) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            case .each: text += "[]"
            }
        }
        return text
    }

    // MARK: Parsing

    static func parse(_ body: String) throws(TemplateError) -> TemplateExpression {
        var scanner = ExpressionScanner(Array(body.unicodeScalars))
        let primary = try scanner.primary()
        var filters: [Filter] = []
        while scanner.consume("|") {
            let name = scanner.identifier()
            guard !name.isEmpty else { throw .syntax("a filter name is missing after '|' in '{{\(body)}}'") }
            guard filterNames.contains(name) else {
                let close = closeMatches(for: name, among: Array(filterNames))
                let hint = close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?"
                throw .syntax("unknown filter '\(name)'\(hint)")
            }
            var arguments: [Primary] = []
            if scanner.consume(":") {
                repeat { arguments.append(try scanner.primary()) } while scanner.consume(",")
            }
            filters.append(Filter(name: name, arguments: arguments))
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw .syntax("unexpected text '\(scanner.restText)' in '{{\(body)}}'") }
        return TemplateExpression(primary: primary, filters: filters)
    }

    // MARK: Evaluation

    func evaluate(_ document: JSONValue) throws(TemplateError) -> JSONValue {
        var value = try Self.value(of: primary, in: document)
        for filter in filters {
            var arguments: [JSONValue] = []
            for argument in filter.arguments { arguments.append(try Self.value(of: argument, in: document)) }
            value = try TemplateFilters.apply(filter.name, to: value, arguments: arguments)
        }
        return value
    }

    static func value(of primary: Primary, in document: JSONValue) throws(TemplateError) -> JSONValue {
        switch primary {
        case .literal(let value): return value
        case .list(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try value(of: item, in: document)) }
            return .array(values)
        case .path(let segments): return try resolve(segments, in: document)
        }
    }

    static func resolve(_ segments: [PathSegment], in document: JSONValue) throws(TemplateError) -> JSONValue {
        var current = document
        for (position, segment) in segments.enumerated() {
            let walked = Array(segments[...position])
            switch segment {
            case .key(let key):
                current = try lookup(key, in: current, path: walked)
            case .index(let index):
                guard case .array(let items) = current else {
                    throw .badValue("'\(pathText(Array(segments[..<position])))' is \(current.kindName), not a list")
                }
                let resolved = index < 0 ? items.count + index : index
                guard resolved >= 0 && resolved < items.count else {
                    throw .missingField(field: pathText(walked), available: [])
                }
                current = items[resolved]
            case .each:
                guard case .array = current else {
                    throw .badValue("'\(pathText(Array(segments[..<position])))' is \(current.kindName), not a list")
                }
            }
        }
        return current
    }

    private static func lookup(
        _ key: String, in value: JSONValue, path: [PathSegment]
    ) throws(TemplateError)
        -> JSONValue
    {
        switch value {
        case .object:
            guard let found = value[key] else { throw .missingField(field: pathText(path), available: value.keys) }
            return found
        case .array(let items):
            var mapped: [JSONValue] = []
            for item in items { mapped.append(try lookup(key, in: item, path: path)) }
            return .array(mapped)
        default:
            throw .missingField(field: pathText(path), available: [])
        }
    }
}

/// Splits an expression body into paths, literals and punctuation.
struct ExpressionScanner {
    let scalars: [UnicodeScalar]
    var index = 0

    init(_ scalars: [UnicodeScalar]) { self.scalars = scalars }

    var atEnd: Bool { index >= scalars.count }
    var restText: String { String(String.UnicodeScalarView(scalars[index...])) }

    mutating func skipSpace() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    mutating func consume(_ symbol: UnicodeScalar) -> Bool {
        skipSpace()
        guard index < scalars.count, scalars[index] == symbol else { return false }
        index += 1
        return true
    }

    mutating func identifier() -> String {
        skipSpace()
        var name = String.UnicodeScalarView()
        while index < scalars.count,
            scalars[index].properties.isAlphabetic || scalars[index] == "_" || scalars[index] == "-"
                || ("0"..."9").contains(scalars[index])
        {
            name.append(scalars[index])
            index += 1
        }
        return String(name)
    }

    mutating func primary() throws(TemplateError) -> TemplateExpression.Primary {
        skipSpace()
        guard index < scalars.count else { throw .syntax("an empty placeholder") }
        let scalar = scalars[index]
        if scalar == "'" || scalar == "\"" { return .literal(.string(try quoted(scalar))) }
        if scalar == "[" {
            index += 1
            var items: [TemplateExpression.Primary] = []
            if consume("]") { return .list(items) }
            repeat { items.append(try primary()) } while consume(",")
            guard consume("]") else { throw .syntax("a list literal without its closing ']'") }
            return .list(items)
        }
        if ("0"..."9").contains(scalar) || scalar == "-" {
            var text = String.UnicodeScalarView([scalar])
            index += 1
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                text.append(scalars[index])
                index += 1
            }
            guard let number = Int(String(text)) else { throw .syntax("invalid number '\(String(text))'") }
            return .literal(.int(number))
        }
        return .path(try path())
    }

    private mutating func quoted(_ quote: UnicodeScalar) throws(TemplateError) -> String {
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == quote { return String(text) }
            if scalar == "\\", index < scalars.count {
                let next = scalars[index]
                index += 1
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\\", "'", "\"": text.append(next)
                default:
                    text.append("\\")
                    text.append(next)
                }
                continue
            }
            text.append(scalar)
        }
        throw .syntax("an unterminated string literal")
    }

    private mutating func path() throws(TemplateError) -> [TemplateExpression.PathSegment] {
        var segments: [TemplateExpression.PathSegment] = []
        let first = identifier()
        guard !first.isEmpty else { throw .syntax("expected a field name at '\(restText)'") }
        segments.append(.key(first))
        while index < scalars.count {
            if scalars[index] == "." {
                index += 1
                let name = identifier()
                guard !name.isEmpty else { throw .syntax("a field name is missing after '.'") }
                segments.append(.key(name))
            } else if scalars[index] == "[" {
                index += 1
                if consume("]") {
                    segments.append(.each)
                    continue
                }
                skipSpace()
                var digits = String.UnicodeScalarView()
                while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "-" {
                    digits.append(scalars[index])
                    index += 1
                }
                guard let number = Int(String(digits)), consume("]") else {
                    throw .syntax("expected an index like [0] after a field name")
                }
                segments.append(.index(number))
            } else {
                break
            }
        }
        return segments
    }
}
