import Foundation

/// One step of the scripted server's answer to a request.
public indirect enum ScriptedResponse: Sendable {
    /// A response with this status, body and extra headers (`Content-Type: application/json` unless given).
    case json(status: Int = 200, body: String, headers: [(String, String)] = [])
    /// A valid answer holding `text`: chat format for `/chat/completions`, completion format for
    /// `/completions`.
    case chat(text: String, promptTokens: Int = 5, completionTokens: Int = 1, finishReason: String = "stop")
    /// Waits, then answers with the next step (to provoke client timeouts).
    case delay(Double, then: ScriptedResponse)
    /// Closes the connection without answering.
    case dropConnection
    /// A 200 whose body is not JSON.
    case malformed

    /// An error status with an OpenAI-style error body, optionally with `Retry-After`.
    public static func status(
        _ code: Int, retryAfter: String? = nil, message: String = "scripted failure"
    ) -> ScriptedResponse {
        let body = ScriptedBodies.encode(ScriptedBodies.ErrorBody(error: .init(message: message, code: code)))
        return .json(status: code, body: body, headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
    }

    /// A `GET /models` answer listing these ids.
    public static func models(_ ids: [String]) -> ScriptedResponse {
        .json(body: ScriptedBodies.encode(ScriptedBodies.ModelList(data: ids.map { .init(id: $0) })))
    }

    /// The default responder: a model list for `/models`, otherwise a valid answer "ok".
    public static let standard: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
        request.isModelList ? .models(["scripted-model"]) : .chat(text: "ok")
    }
}

/// The JSON the scripted server writes, built with Codable and sorted keys.
enum ScriptedBodies {
    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var message: String
            var code: Int
        }

        var error: Detail
    }

    struct ModelList: Encodable {
        struct Entry: Encodable {
            var id: String
            var object = "model"
        }

        var object = "list"
        var data: [Entry]
    }

    struct Usage: Encodable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    struct ChatChoice: Encodable {
        struct Message: Encodable {
            var role = "assistant"
            var content: String
        }

        var index = 0
        var message: Message
        var finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }

    struct TextChoice: Encodable {
        var index = 0
        var text: String
        var finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, text
            case finishReason = "finish_reason"
        }
    }

    struct Completion<Choice: Encodable>: Encodable {
        var id: String
        var object: String
        var model: String
        var choices: [Choice]
        var usage: Usage
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // These plain structs always encode.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A valid answer to `request` in the format its path calls for.
    static func completion(
        for request: RecordedRequest, text: String, promptTokens: Int, completionTokens: Int, finishReason: String
    ) -> String {
        let usage = Usage(
            promptTokens: promptTokens, completionTokens: completionTokens,
            totalTokens: promptTokens + completionTokens)
        let model = requestedModel(request)
        if request.isTextCompletion {
            let choice = TextChoice(text: text, finishReason: finishReason)
            return encode(
                Completion(
                    id: "cmpl-scripted", object: "text_completion", model: model, choices: [choice], usage: usage))
        }
        let choice = ChatChoice(message: .init(content: text), finishReason: finishReason)
        return encode(
            Completion(
                id: "chatcmpl-scripted", object: "chat.completion", model: model, choices: [choice], usage: usage))
    }

    private static func requestedModel(_ request: RecordedRequest) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        return object?["model"] as? String ?? "scripted-model"
    }
}
