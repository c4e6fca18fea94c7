import Foundation

/// One evaluated item: the book's annotated entry (`instruction`, `input`, `output`,
/// `model_response`, `score`) plus what a reader needs to trust it.
public struct AnnotatedEntry: Sendable, Hashable, Codable {
    public var index: Int
    public var instruction: String
    public var input: String
    public var output: String
    public var modelResponse: String?
    public var score: Int?
    public var judgeReply: String?
    public var judgeReplies: [String]?
    public var parseStatus: ParseStatus?
    public var error: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Seconds the answer took; kept in memory for throughput, not written to files (so the
    /// files of a resumed run equal those of an uninterrupted one).
    public var generationSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case index, instruction, input, output, score, error
        case modelResponse = "model_response"
        case judgeReply = "judge_reply"
        case judgeReplies = "judge_replies"
        case parseStatus = "parse_status"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case generationSeconds = "generation_seconds"
    }

    public init(item: InstructionItem) {
        index = item.sourceIndex
        instruction = item.instruction
        input = item.input
        output = item.output
    }

    /// Writes `model_response`, `score` and `judge_reply` even when empty (as null), so every
    /// entry has the same keys and readers of the book's files find them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(instruction, forKey: .instruction)
        try container.encode(input, forKey: .input)
        try container.encode(output, forKey: .output)
        try container.encode(modelResponse, forKey: .modelResponse)
        try container.encode(score, forKey: .score)
        try container.encode(judgeReply, forKey: .judgeReply)
        try container.encodeIfPresent(judgeReplies, forKey: .judgeReplies)
        try container.encodeIfPresent(parseStatus, forKey: .parseStatus)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(promptTokens, forKey: .promptTokens)
        try container.encodeIfPresent(completionTokens, forKey: .completionTokens)
    }

    public var item: InstructionItem {
        InstructionItem(instruction: instruction, input: input, output: output, sourceIndex: index)
    }
}

/// The results of one model on the IFT test.
public struct ModelEvaluation: Sendable, Codable {
    public var model: String
    public var spec: String
    public var judge: String
    public var entries: [AnnotatedEntry]
    /// Wall-clock seconds of the generation phase, and tokens generated in it.
    public var generationWallSeconds: Double
    public var generatedTokens: Int

    enum CodingKeys: String, CodingKey {
        case model, spec, judge, entries
        case generationWallSeconds = "generation_wall_seconds"
        case generatedTokens = "generated_tokens"
    }

    public init(
        model: String, spec: String, judge: String, entries: [AnnotatedEntry], generationWallSeconds: Double = 0,
        generatedTokens: Int = 0
    ) {
        self.model = model
        self.spec = spec
        self.judge = judge
        self.entries = entries
        self.generationWallSeconds = generationWallSeconds
        self.generatedTokens = generatedTokens
    }

    public var scores: [Int] { entries.compactMap(\.score) }
    public var scoredCount: Int { scores.count }
    public var estimate: MeanEstimate? { MeanEstimate(scores.map(Double.init)) }
    public var tokensPerSecond: Double {
        generationWallSeconds > 0 ? Double(generatedTokens) / generationWallSeconds : 0
    }
}
