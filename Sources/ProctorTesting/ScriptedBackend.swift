import ProctorCore
import Synchronization

/// A `ModelBackend` double that answers from a closure and counts calls; for flow tests that
/// need exact control (the real engine is used wherever model behaviour matters).
public final class ScriptedBackend: ModelBackend {
    public let name: String
    public let defaultPromptStyle: PromptStyle
    public let maxConcurrency: Int
    private let respond: @Sendable (GenerationRequest, Int) throws -> String
    private let calls = Mutex<[GenerationRequest]>([])

    /// - Parameter respond: the answer for a request and its 0-based call number; throw to fail it.
    public init(
        name: String = "scripted", defaultPromptStyle: PromptStyle = .chat, maxConcurrency: Int = 1,
        respond: @escaping @Sendable (GenerationRequest, Int) throws -> String
    ) {
        self.name = name
        self.defaultPromptStyle = defaultPromptStyle
        self.maxConcurrency = maxConcurrency
        self.respond = respond
    }

    public var requests: [GenerationRequest] { calls.withLock { $0 } }
    public var callCount: Int { calls.withLock { $0.count } }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let number = calls.withLock { calls -> Int in
            calls.append(request)
            return calls.count - 1
        }
        let text = try respond(request, number)
        return GenerationResult(
            text: text, finishReason: .stop, promptTokens: 10,
            completionTokens: max(1, text.split(separator: " ").count),
            generationSeconds: 0.001)
    }

    /// The text of the last user message (or the raw prompt) of a request.
    public static func lastUserText(_ request: GenerationRequest) -> String {
        switch request.prompt {
        case .text(let text): return text
        case .chat(let messages): return messages.last { $0.role == .user }?.content ?? ""
        }
    }
}
