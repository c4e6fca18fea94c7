/// The template language of task files.
///
/// Text with `{{ expression }}` placeholders. An expression is a field path, a literal or a
/// list, followed by filters:
///
/// - paths: `question`, `question.stem`, `choices[0]`, `choices[-1]`; a key applied to a list
///   maps over its elements, so `question.choices.text` is the list of choice texts
///   (`question.choices[].text` says the same explicitly);
/// - literals: `'text'`, `"text"`, `3`, lists `[sol1, sol2]`, `["A", "B"]`;
/// - filters: `| trim`, `| upper`, `| lower`, `| capitalize` (Python's: first letter upper,
///   the rest lower), `| words` (underscores to spaces), `| keys`, `| values`, `| length`,
///   `| first`, `| last`, `| at: 2`, `| index_of: answerKey`, `| letter` (0 → "A"),
///   `| replace: 'a', 'b'`, `| regex_replace: '\[.*?\]', ''`, `| join: ', '`.
///   String filters applied to a list apply to each element.
///
/// A template that is exactly one placeholder (`"{{mc1_targets | keys}}"`) evaluates to the
/// expression's value, so it can produce a list (choices) or a number (a target index).
public struct Template: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case text(String)
        case expression(TemplateExpression)
    }

    /// The template as written.
    public let source: String
    let parts: [Part]

    public var description: String { source }

    /// Parses `source`; `open`/`close` are `{{`/`}}` for document templates and `${`/`}`
    /// for the variables of a task file's `subtasks`.
    public init(_ source: String, open: String = "{{", close: String = "}}") throws(TemplateError) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let start = rest.range(of: open) {
            if start.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].range(of: close) else {
                throw TemplateError.syntax("'\(open)' without a closing '\(close)'")
            }
            let body = String(rest[start.upperBound..<end.lowerBound])
            parts.append(.expression(try TemplateExpression.parse(body)))
            rest = rest[end.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// Field paths the template reads (first segment), for messages and validation.
    public var fieldNames: [String] {
        parts.flatMap { part -> [String] in
            if case .expression(let expression) = part { return expression.fieldNames }
            return []
        }
    }

    /// Whether the template is one placeholder with no text around it.
    var isSingleExpression: Bool {
        if parts.count == 1, case .expression = parts[0] { return true }
        return false
    }

    /// The template's value: the expression's own value for a single placeholder, text otherwise.
    public func evaluate(_ document: JSONValue) throws(TemplateError) -> JSONValue {
        if parts.count == 1, case .expression(let expression) = parts[0] { return try expression.evaluate(document) }
        return .string(try render(document))
    }

    /// The template's text with every placeholder replaced.
    public func render(_ document: JSONValue) throws(TemplateError) -> String {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text): output += text
            case .expression(let expression): output += try expression.evaluate(document).displayText
            }
        }
        return output
    }
}

/// Why a template could not be parsed or rendered.
public enum TemplateError: Error, Sendable, Hashable {
    /// The template text is malformed.
    case syntax(String)
    /// The row has no value at `field` (a dotted path); `available` lists the keys there.
    case missingField(field: String, available: [String])
    /// A filter got a value it cannot handle.
    case badValue(String)

    public var message: String {
        switch self {
        case .syntax(let detail): return detail
        case .missingField(let field, let available):
            let list = available.isEmpty ? "" : " (fields there: \(available.joined(separator: ", ")))"
            return "no field '\(field)'\(list)"
        case .badValue(let detail): return detail
        }
    }

    public var field: String? {
        if case .missingField(let field, _) = self { return field }
        return nil
    }
}
