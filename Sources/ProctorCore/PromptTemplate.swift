import Foundation

/// A prompt with `{{name}}` placeholders. Loading checks that every required placeholder is
/// present, so a broken judge template fails before any model is called.
public struct PromptTemplate: Sendable, Hashable {
    public let text: String
    /// Where the template came from, for errors.
    public let source: String
    public let placeholders: Set<String>

    public init(_ text: String, source: String = "<inline>", required: Set<String> = []) throws {
        self.text = text
        self.source = source
        self.placeholders = Self.scan(text)
        let missing = required.subtracting(placeholders).sorted()
        if let first = missing.first {
            throw ProctorError.invalidTemplate(
                "missing required placeholder {{\(first)}}"
                    + (missing.count > 1 ? " (also: \(missing.dropFirst().joined(separator: ", ")))" : ""),
                file: source == "<inline>" ? nil : source, field: first)
        }
    }

    public init(contentsOf path: String, required: Set<String> = []) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ProctorError.fileNotFound(path, what: "template file") }
        try self.init(text, source: path, required: required)
    }

    /// Replaces each placeholder with its value; an unknown placeholder is an error.
    public func render(_ values: [String: String]) throws -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                output += rest[open.lowerBound...]
                return output
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else {
                throw ProctorError.invalidTemplate("no value for placeholder {{\(name)}}", field: name)
            }
            output += value
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }

    private static func scan(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.insert(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }
}

/// The prompts of chapter 7 of "Build a Large Language Model (from Scratch)".
public enum AlpacaPrompt {
    /// `format_input`: the instruction preamble, the instruction and the optional input.
    public static func formatInput(_ item: InstructionItem) -> String {
        var text =
            "Below is an instruction that describes a task. Write a response that appropriately completes the request."
            + "\n\n### Instruction:\n\(item.instruction)"
        if !item.input.isEmpty { text += "\n\n### Input:\n\(item.input)" }
        return text
    }

    /// The generation prompt: `format_input` followed by the response header.
    public static func generationPrompt(_ item: InstructionItem) -> String {
        formatInput(item) + "\n\n### Response:\n"
    }

    /// Stops that end a raw-completion answer where a base model starts a new example.
    public static let rawStops = ["\n### ", "### Instruction", "### Input", "<|endoftext|>", "<end_of_turn>"]

    /// The book's judge prompt, with placeholders `input`, `reference` and `response`.
    public static let judgeTemplateText =
        "Given the input `{{input}}` and correct output `{{reference}}`, score the model response `{{response}}`"
        + " on a scale from 0 to 100, where 100 is the best score. Respond with the integer number only."

    public static let judgePlaceholders: Set<String> = ["input", "reference", "response"]

    public static func defaultJudgeTemplate() -> PromptTemplate {
        // The built-in text is known to hold every placeholder.
        try! PromptTemplate(judgeTemplateText, source: "<built-in judge prompt>", required: judgePlaceholders)
    }

    /// Cleans a generated answer as the book does: drops a leading response header and whitespace.
    public static func cleanResponse(_ text: String) -> String {
        var answer = text
        if let range = answer.range(of: "### Response:") { answer.removeSubrange(range) }
        return answer.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
