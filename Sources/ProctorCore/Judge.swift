/// What a judge said about one answer.
public struct JudgeVerdict: Sendable, Hashable, Codable {
    public var score: Int?
    public var status: ParseStatus
    /// Every raw reply, first to last (one per attempt).
    public var replies: [String]
    public var promptTokens: Int
    public var completionTokens: Int

    public init(score: Int?, status: ParseStatus, replies: [String], promptTokens: Int = 0, completionTokens: Int = 0) {
        self.score = score
        self.status = status
        self.replies = replies
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// The last raw reply.
    public var rawReply: String { replies.last ?? "" }
}

/// Grades one model answer to one instruction against its reference.
public protocol Judge: Sendable {
    var name: String { get }
    var maxConcurrency: Int { get }
    func grade(_ item: InstructionItem, response: String) async throws -> JudgeVerdict
}

/// The book's judge: a model asked for an integer score from 0 to 100 against the reference,
/// read leniently, and asked again (up to `maxReasks` times) when its reply has no score.
public struct ScoreJudge: Judge {
    public let backend: any ModelBackend
    public var template: PromptTemplate
    public var parser: ScoreParser
    public var maxReasks: Int
    public var settings: GenerationSettings
    public var style: PromptStyle

    public init(
        backend: any ModelBackend, template: PromptTemplate = AlpacaPrompt.defaultJudgeTemplate(),
        parser: ScoreParser = ScoreParser(), maxReasks: Int = 2,
        settings: GenerationSettings = GenerationSettings(maxTokens: 24, temperature: 0, seed: 0),
        style: PromptStyle? = nil
    ) {
        self.backend = backend
        self.template = template
        self.parser = parser
        self.maxReasks = maxReasks
        self.settings = settings
        self.style = style ?? backend.defaultPromptStyle
    }

    public var name: String { backend.name }
    public var maxConcurrency: Int { backend.maxConcurrency }

    public static let prefill = "Score:"

    public static let reaskText =
        "Your reply did not contain a score. Respond with one integer from 0 to 100 and nothing else."

    public func grade(_ item: InstructionItem, response: String) async throws -> JudgeVerdict {
        let text = try template.render([
            "input": AlpacaPrompt.formatInput(item), "reference": item.output, "response": response,
            "instruction": item.instruction,
        ])
        var replies: [String] = []
        var promptTokens = 0
        var completionTokens = 0
        let material = [item.instruction, item.input, item.output, response].joined(separator: "\n")
        var messages: [ChatMessage] = [.user(text)]
        var rawText = text
        for attempt in 0...maxReasks {
            // A re-ask starts the judge's answer with "Score:" (assistant prefill), which small
            // judges need to answer with a number at all.
            let prefill = attempt > 0 ? [ChatMessage.assistant(Self.prefill)] : []
            let prompt: Prompt = style == .chat ? .chat(messages + prefill) : .text(rawText + "\n\(Self.prefill)")
            let result = try await backend.generate(GenerationRequest(prompt: prompt, settings: settings))
            promptTokens += result.promptTokens
            completionTokens += result.completionTokens
            let reply =
                attempt > 0 && style == .chat
                ? Self.prefill + " " + result.text.trimmingCharacters(in: .whitespaces) : result.text
            replies.append(reply)
            let (score, status) = parser.parse(reply, context: material)
            if let score {
                return JudgeVerdict(
                    score: score, status: status, replies: replies, promptTokens: promptTokens,
                    completionTokens: completionTokens)
            }
            if attempt < maxReasks {
                if attempt == 0 {
                    messages += [.assistant(result.text), .user(Self.reaskText)]
                    rawText += "\n\(result.text)\n\(Self.reaskText)"
                }
            }
        }
        return JudgeVerdict(
            score: nil, status: .unparsed, replies: replies, promptTokens: promptTokens,
            completionTokens: completionTokens)
    }
}
