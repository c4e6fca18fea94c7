import Foundation
import ProctorCore

/// The JSON bodies of the OpenAI API that Proctor sends and reads. Field names follow the
/// wire format; encoding uses sorted keys so a body is byte-for-byte predictable.
enum OpenAIWire {
    struct Message: Codable, Sendable, Hashable {
        var role: String
        var content: String
    }

    /// A `/chat/completions` body (with `messages`) or a `/completions` body (with `prompt`).
    struct CompletionRequest: Encodable, Sendable {
        var model: String
        var messages: [Message]?
        var prompt: String?
        var maxTokens: Int
        var temperature: Double
        var topP: Double?
        var seed: UInt64?
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, messages, prompt, temperature, seed, stop
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }

        init(model: String, prompt: Prompt, settings: GenerationSettings) {
            self.model = model
            switch prompt {
            case .chat(let messages):
                self.messages = messages.map { Message(role: $0.role.rawValue, content: $0.content) }
            case .text(let text):
                self.prompt = text
            }
            maxTokens = settings.maxTokens
            temperature = settings.temperature
            topP = settings.topP != 1 ? settings.topP : nil
            seed = settings.seed
            stop = settings.stop.isEmpty ? nil : settings.stop
        }
    }

    /// The answer of either endpoint: chat choices carry `message`, completion choices `text`.
    struct CompletionResponse: Decodable, Sendable {
        struct Choice: Decodable, Sendable {
            var message: ChoiceMessage?
            var text: String?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case message, text
                case finishReason = "finish_reason"
            }
        }

        struct ChoiceMessage: Decodable, Sendable {
            var content: String?
        }

        struct Usage: Decodable, Sendable {
            var promptTokens: Int?
            var completionTokens: Int?
            var promptTokensDetails: PromptTokensDetails?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
                case promptTokensDetails = "prompt_tokens_details"
            }
        }

        struct PromptTokensDetails: Decodable, Sendable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey {
                case cachedTokens = "cached_tokens"
            }
        }

        var choices: [Choice]
        var usage: Usage?
    }

    /// The answer of `GET /models`.
    struct ModelList: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            var id: String
        }

        var data: [Entry]
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// A short account of why a body did not decode, naming the path to the bad field.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected value at \(path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(context))"
        @unknown default:
            return "not valid JSON"
        }
    }
}
