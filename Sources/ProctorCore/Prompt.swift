/// One message of a chat conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}

/// What a model is asked: a chat conversation (rendered with the model's chat template)
/// or raw text (completed as is). A conversation that ends with an assistant message asks
/// the model to continue that message (prefill).
public enum Prompt: Sendable, Hashable, Codable {
    case chat([ChatMessage])
    case text(String)
}

/// How a prompt meant for a model is wrapped.
public enum PromptStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// Wrap the prompt as one user message and apply the model's chat template.
    case chat
    /// Send the text as is, for raw completion (base models).
    case raw
}
