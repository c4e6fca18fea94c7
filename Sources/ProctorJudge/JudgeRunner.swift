import Foundation
import Logging
import ProctorCore

/// Asks one judge model (any backend: in-process engine, HTTP, or the store's cache wrapped
/// around either) and reads its replies. One method per mode; each returns records that keep
/// every raw reply.
public struct JudgeRunner: Sendable {
    public let backend: any ModelBackend
    public let config: JudgeConfig
    public let prompts: JudgePromptSet
    public let usage: UsageMeter
    public let style: PromptStyle
    public let logger: Logger

    public init(
        backend: any ModelBackend, config: JudgeConfig, prompts: JudgePromptSet, style: PromptStyle? = nil,
        logger: Logger
    ) {
        self.backend = backend
        self.config = config
        self.prompts = prompts
        self.usage = UsageMeter(prices: config.prices)
        self.style = style ?? backend.defaultPromptStyle
        self.logger = logger
    }

    public var name: String { config.name ?? backend.name }

    public static let reaskText =
        "Your reply did not contain the answer in the required format. Reply again, ending with the answer in "
        + "exactly the format the instructions ask for."

    /// How a re-asked judge's answer starts (assistant prefill): small judges that ignore the
    /// format when asked again still complete a reply that already begins with it.
    static func prefill(for format: JudgeReplyFormat) -> String {
        switch format {
        // The book's 0-100 prompt asks for a bare integer; other scales use MT-Bench's form.
        case .rating(let scale): return scale == .percent ? "Score:" : "Rating: [["
        case .verdict: return "[["
        case .scores: return "{"
        }
    }

    /// Sends messages, reads the reply, and asks again (up to `config.reasks` times) while it
    /// is unparsed; a re-ask begins the judge's answer with the format's prefill. Returns the
    /// last reading and every raw reply (a re-asked one with its prefill).
    func ask(
        _ messages: [ChatMessage], parser: JudgeReplyParser, repeatIndex: Int, reasks: Int
    ) async throws -> (
        parsed: ParsedReply, replies: [String]
    ) {
        var conversation = messages
        var replies: [String] = []
        var parsed = ParsedReply.unparsed("", .empty)
        let prefill = Self.prefill(for: parser.format)
        for attempt in 0...reasks {
            let start = attempt > 0 ? [ChatMessage.assistant(prefill)] : []
            let request = GenerationRequest(
                prompt: prompt(conversation + start), settings: config.settings(repeatIndex: repeatIndex))
            let result = try await backend.generate(request)
            usage.add(result)
            let reply = attempt > 0 ? prefill + result.text : result.text
            replies.append(reply)
            parsed = parser.parse(reply)
            if parsed.isParsed || attempt == reasks { break }
            if attempt == 0 { conversation += [.assistant(result.text), .user(Self.reaskText)] }
        }
        return (parsed, replies)
    }

    /// Chat messages as they are, or flattened into one text for raw-completion judges.
    func prompt(_ messages: [ChatMessage]) -> Prompt {
        switch style {
        case .chat: return .chat(messages)
        case .raw:
            // A final assistant message is a prefill: the reply continues it on the same line.
            let prefilled = messages.last?.role == .assistant
            return .text(
                messages.map { message in
                    switch message.role {
                    case .system, .user: return message.content
                    case .assistant: return "\n" + message.content
                    }
                }.joined(separator: "\n\n") + (prefilled ? "" : "\n"))
        }
    }

    // MARK: Single and reference-guided grading

    /// The values every template may use for one question, answer and turn.
    static func values(
        _ question: JudgeQuestion, answer: [String], turn: Int, useReference: Bool
    ) -> (
        slot: JudgeSlot, values: [String: String]
    ) {
        let references = useReference ? (question.references ?? []) : []
        var values: [String: String] = [:]
        for (index, text) in question.turns.enumerated() { values["question_\(index + 1)"] = text }
        for (index, text) in answer.enumerated() { values["answer_\(index + 1)"] = text }
        for (index, text) in references.enumerated() { values["ref_answer_\(index + 1)"] = text }
        values["question"] = question.turns[turn - 1]
        values["answer"] = answer.indices.contains(turn - 1) ? answer[turn - 1] : ""
        values["reference"] = references.indices.contains(turn - 1) ? references[turn - 1] : ""
        let hasReference = references.count >= turn && !references.isEmpty
        let slot: JudgeSlot =
            turn == 1
            ? (hasReference ? .singleReference : .single)
            : (hasReference ? .singleMultiTurnReference : .singleMultiTurn)
        return (slot, values)
    }

    /// Grades one model's answer to one turn (turn 2 sees the whole conversation).
    public func gradeSingle(
        question: JudgeQuestion, model: String, answer: [String], turn: Int, repeatIndex: Int, useReference: Bool = true
    ) async throws -> ScoreRecord {
        let (slot, values) = Self.values(question, answer: answer, turn: turn, useReference: useReference)
        let messages = try prompts.prompt(slot).messages(values)
        let (parsed, replies) = try await ask(
            messages, parser: JudgeReplyParser(format: .rating(config.scale)), repeatIndex: repeatIndex,
            reasks: config.reasks)
        return ScoreRecord(
            model: model, questionID: question.id, category: question.category, turn: turn, repeatIndex: repeatIndex,
            score: parsed.score, status: parsed.status, reason: parsed.reason, replies: replies, position: nil,
            answerLength: values["answer"]?.count ?? 0)
    }

    // MARK: Rubric grading

    static func referenceSection(_ question: JudgeQuestion, turn: Int, useReference: Bool) -> String {
        guard useReference, let references = question.references, references.indices.contains(turn - 1) else {
            return ""
        }
        return "\n[The Start of Reference Answer]\n\(references[turn - 1])\n[The End of Reference Answer]\n"
    }

    /// Grades one answer against every rubric criterion in one call; the total is the
    /// weighted mean of the criterion scores (nil unless every criterion was read).
    public func gradeRubric(
        question: JudgeQuestion, model: String, answer: [String], turn: Int, repeatIndex: Int, useReference: Bool = true
    ) async throws -> ScoreRecord {
        let criteria = config.rubric
        let criteriaText = criteria.map { criterion in
            "- \(criterion.name) (\(criterion.scale), weight \(JudgeScale.format(criterion.weight))): "
                + criterion.description
        }.joined(separator: "\n")
        let keys = criteria.map(\.name)
        var values = Self.values(question, answer: answer, turn: turn, useReference: useReference).values
        values["question"] = Self.conversationQuestion(question, answer: answer, turn: turn)
        values["criteria"] = criteriaText
        values["criterion_keys"] = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        values["reference_section"] = Self.referenceSection(question, turn: turn, useReference: useReference)
        values["scale_min"] = JudgeScale.format(config.scale.min)
        values["scale_max"] = JudgeScale.format(config.scale.max)
        let wide = JudgeScale(
            min: criteria.map(\.min).min() ?? config.scale.min, max: criteria.map(\.max).max() ?? config.scale.max)
        let (parsed, replies) = try await ask(
            try prompts.prompt(.rubric).messages(values),
            parser: JudgeReplyParser(format: .scores(keys: keys, scale: wide)),
            repeatIndex: repeatIndex, reasks: config.reasks)
        var scores: [String: Double] = [:]
        for criterion in criteria {
            if let value = parsed.scores?[criterion.name], criterion.scale.contains(value) {
                scores[criterion.name] = value
            }
        }
        let complete = scores.count == criteria.count
        let weightSum = criteria.reduce(0) { $0 + $1.weight }
        let total = complete ? criteria.reduce(0) { $0 + $1.weight * scores[$1.name]! } / weightSum : nil
        var status = parsed.status
        if !complete && status != .unparsed { status = .unparsed }
        return ScoreRecord(
            model: model, questionID: question.id, category: question.category, turn: turn, repeatIndex: repeatIndex,
            score: total, status: status, reason: complete ? nil : (parsed.reason ?? .invalidJSON), replies: replies,
            position: nil, answerLength: values["answer"]?.count ?? 0, criteria: scores.isEmpty ? nil : scores,
            comments: parsed.comments.map {
                $0.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            })
    }

    /// For turn 2 in batch and rubric modes: the question as the conversation that led to it.
    static func conversationQuestion(_ question: JudgeQuestion, answer: [String]?, turn: Int) -> String {
        guard turn > 1 else { return question.turns[0] }
        var text = ""
        for index in 0..<(turn - 1) {
            text += "### User:\n\(question.turns[index])\n\n"
            if let answer, answer.indices.contains(index) { text += "### Assistant:\n\(answer[index])\n\n" }
        }
        return text + "### User (the question to grade):\n\(question.turns[turn - 1])"
    }
}
