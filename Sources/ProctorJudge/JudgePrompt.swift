import Foundation
import ProctorCore

/// One judge prompt: an optional system message and a user message, both `{{placeholder}}`
/// templates. A template file starts with a `[system]` line to give a system message, then a
/// `[user]` line before the user message; a file without `[system]` is all user message.
public struct JudgePrompt: Sendable, Hashable {
    public var system: PromptTemplate?
    public var user: PromptTemplate

    public init(system: PromptTemplate?, user: PromptTemplate) {
        self.system = system
        self.user = user
    }

    /// Parses template text; `required` placeholders must appear in the user part.
    public init(text: String, source: String, required: Set<String>) throws {
        var body = text
        if body.hasSuffix("\n") { body.removeLast() }
        var systemText: String?
        if body.hasPrefix("[system]\n") {
            let rest = body.dropFirst("[system]\n".count)
            guard let marker = rest.range(of: "\n[user]\n") else {
                throw ProctorError.invalidTemplate(
                    "a template that starts with [system] needs a [user] line before the user message",
                    file: source, field: "user")
            }
            systemText = String(rest[..<marker.lowerBound])
            body = String(rest[marker.upperBound...])
        }
        self.system = try systemText.map { try PromptTemplate($0, source: source) }
        self.user = try PromptTemplate(body, source: source, required: required)
    }

    public init(contentsOf path: String, required: Set<String>) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ProctorError.fileNotFound(path, what: "judge template") }
        try self.init(text: text, source: path, required: required)
    }

    /// A template shipped in Sources/ProctorJudge/Prompts (`name` without `.txt`).
    public static func builtIn(_ name: String, required: Set<String>) throws -> JudgePrompt {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Prompts") else {
            throw ProctorError.fileNotFound("Prompts/\(name).txt", what: "built-in judge template")
        }
        return try JudgePrompt(contentsOf: folder.appendingPathComponent("\(name).txt").path, required: required)
    }

    /// The chat messages for these values.
    public func messages(_ values: [String: String]) throws -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(try system.render(values))) }
        messages.append(.user(try user.render(values)))
        return messages
    }

    /// The full text (system and user) for a hash of the judge's configuration.
    public var fingerprintText: String { (system?.text ?? "") + "\u{0}" + user.text }
}

/// The slots a judge fills, each with the placeholders its template must contain.
public enum JudgeSlot: String, Sendable, Hashable, Codable, CaseIterable {
    case single
    case singleReference = "single_ref"
    case singleMultiTurn = "single_multi"
    case singleMultiTurnReference = "single_multi_ref"
    case pair
    case pairReference = "pair_ref"
    case pairMultiTurn = "pair_multi"
    case pairMultiTurnReference = "pair_multi_ref"
    case batch
    case rubric

    public var required: Set<String> {
        switch self {
        case .single: return ["question", "answer"]
        case .singleReference: return ["question", "answer", "reference"]
        case .singleMultiTurn: return ["question_1", "answer_1", "question_2", "answer_2"]
        case .singleMultiTurnReference:
            return ["question_1", "answer_1", "question_2", "answer_2", "ref_answer_1", "ref_answer_2"]
        case .pair: return ["question", "answer_a", "answer_b"]
        case .pairReference: return ["question", "answer_a", "answer_b", "reference"]
        case .pairMultiTurn:
            return ["question_1", "question_2", "answer_a_1", "answer_a_2", "answer_b_1", "answer_b_2"]
        case .pairMultiTurnReference:
            return [
                "question_1", "question_2", "answer_a_1", "answer_a_2", "answer_b_1", "answer_b_2", "ref_answer_1",
                "ref_answer_2",
            ]
        case .batch: return ["question", "answers", "model_keys"]
        case .rubric: return ["question", "answer", "criteria", "criterion_keys"]
        }
    }
}

/// The prompts a judge uses, one per slot.
public struct JudgePromptSet: Sendable, Hashable {
    public var prompts: [JudgeSlot: JudgePrompt]

    public init(prompts: [JudgeSlot: JudgePrompt]) { self.prompts = prompts }

    /// A preset of built-in templates: `mt-bench` (the published MT-Bench judge prompts, 1-10,
    /// `[[rating]]`) or `book` (the book's 0-100 prompt, reference-guided, for single grading).
    public static func preset(_ name: String) throws -> JudgePromptSet {
        var files: [JudgeSlot: String] = [
            .single: "mt-single", .singleReference: "mt-single-ref", .singleMultiTurn: "mt-single-multi",
            .singleMultiTurnReference: "mt-single-multi-ref", .pair: "mt-pair", .pairReference: "mt-pair-ref",
            .pairMultiTurn: "mt-pair-multi", .pairMultiTurnReference: "mt-pair-multi-ref", .batch: "batch",
            .rubric: "rubric",
        ]
        switch name {
        case "mt-bench": break
        case "book":
            files[.singleReference] = "book-single"
        default:
            throw ProctorError.invalidValue("prompts", "unknown preset '\(name)' (known: mt-bench, book)")
        }
        var prompts: [JudgeSlot: JudgePrompt] = [:]
        for (slot, file) in files { prompts[slot] = try JudgePrompt.builtIn(file, required: slot.required) }
        return JudgePromptSet(prompts: prompts)
    }

    public func prompt(_ slot: JudgeSlot) throws -> JudgePrompt {
        guard let prompt = prompts[slot] else {
            throw ProctorError.invalidTemplate("no judge template for slot '\(slot.rawValue)'", field: slot.rawValue)
        }
        return prompt
    }
}
