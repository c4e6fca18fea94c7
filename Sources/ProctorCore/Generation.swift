/// Sampling and length settings for one generation.
public struct GenerationSettings: Sendable, Hashable, Codable {
    /// Most new tokens to produce.
    public var maxTokens: Int
    /// 0 means greedy decoding.
    public var temperature: Double
    public var topP: Double
    public var topK: Int
    /// Seed for sampled decoding; nil means unseeded (never reproducible).
    public var seed: UInt64?
    /// Generation stops before the first of these strings.
    public var stop: [String]

    public init(
        maxTokens: Int = 256, temperature: Double = 0, topP: Double = 1, topK: Int = 0, seed: UInt64? = nil,
        stop: [String] = []
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.seed = seed
        self.stop = stop
    }

    public var isGreedy: Bool { temperature <= 0 }
}

/// One request for text.
public struct GenerationRequest: Sendable, Hashable, Codable {
    public var prompt: Prompt
    public var settings: GenerationSettings

    public init(prompt: Prompt, settings: GenerationSettings = GenerationSettings()) {
        self.prompt = prompt
        self.settings = settings
    }
}

/// Why generation ended.
public enum FinishReason: String, Sendable, Hashable, Codable {
    case stop
    case length
}

/// What a backend answered.
public struct GenerationResult: Sendable, Hashable, Codable {
    public var text: String
    public var finishReason: FinishReason
    public var promptTokens: Int
    public var completionTokens: Int
    /// Seconds spent evaluating the prompt (0 when the backend cannot tell).
    public var promptSeconds: Double
    /// Seconds spent producing new tokens (for HTTP, the whole call).
    public var generationSeconds: Double
    /// Prompt tokens served from a cache instead of being evaluated again.
    public var cachedPromptTokens: Int

    public init(
        text: String, finishReason: FinishReason, promptTokens: Int, completionTokens: Int,
        promptSeconds: Double = 0, generationSeconds: Double = 0, cachedPromptTokens: Int = 0
    ) {
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.promptSeconds = promptSeconds
        self.generationSeconds = generationSeconds
        self.cachedPromptTokens = cachedPromptTokens
    }

    public var totalSeconds: Double { promptSeconds + generationSeconds }
}
