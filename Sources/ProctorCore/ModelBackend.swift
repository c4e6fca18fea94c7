/// Anything that can answer a generation request: the in-process llama.cpp engine,
/// an OpenAI-compatible server, or a test double.
public protocol ModelBackend: Sendable {
    /// A short label for tables and file names.
    var name: String { get }
    /// The prompt style used when a caller does not choose one.
    var defaultPromptStyle: PromptStyle { get }
    /// How many requests may be in flight at once.
    var maxConcurrency: Int { get }
    func generate(_ request: GenerationRequest) async throws -> GenerationResult
}

extension ModelBackend {
    public var defaultPromptStyle: PromptStyle { .chat }
    public var maxConcurrency: Int { 1 }

    /// Wraps one prompt text in the given style.
    public func prompt(_ text: String, style: PromptStyle? = nil) -> Prompt {
        switch style ?? defaultPromptStyle {
        case .chat: return .chat([.user(text)])
        case .raw: return .text(text)
        }
    }
}
