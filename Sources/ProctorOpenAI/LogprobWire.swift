import Foundation

/// Bodies of `/completions` calls that ask for prompt log-probabilities: the legacy layout
/// (`echo` with `logprobs`: `tokens`, `token_logprobs`, `top_logprobs`, `text_offset`, as
/// llama-cpp-python and vLLM return it) and vLLM's `prompt_logprobs`.
enum LogprobWire {
    struct Request: Encodable, Sendable {
        var model: String
        var prompt: String
        var maxTokens: Int
        var temperature: Double
        var logprobs: Int
        var echo: Bool
        var promptLogprobs: Int?
        var seed: UInt64?

        enum CodingKeys: String, CodingKey {
            case model, prompt, temperature, logprobs, echo, seed
            case maxTokens = "max_tokens"
            case promptLogprobs = "prompt_logprobs"
        }
    }

    struct Response: Decodable, Sendable {
        var choices: [Choice]
        var usage: OpenAIWire.CompletionResponse.Usage?
    }

    struct Choice: Decodable, Sendable {
        var text: String?
        var logprobs: Logprobs?
        var promptLogprobs: [[String: PromptLogprob]?]?

        enum CodingKeys: String, CodingKey {
            case text, logprobs
            case promptLogprobs = "prompt_logprobs"
        }
    }

    struct Logprobs: Decodable, Sendable {
        var tokens: [String]?
        var tokenLogprobs: [Double?]?
        var topLogprobs: [[String: Double]?]?
        var textOffset: [Int]?

        enum CodingKeys: String, CodingKey {
            case tokens
            case tokenLogprobs = "token_logprobs"
            case topLogprobs = "top_logprobs"
            case textOffset = "text_offset"
        }
    }

    /// One entry of vLLM's `prompt_logprobs` (keyed by token id).
    struct PromptLogprob: Decodable, Sendable {
        var logprob: Double
        var rank: Int?
        var decodedToken: String?

        enum CodingKeys: String, CodingKey {
            case logprob, rank
            case decodedToken = "decoded_token"
        }
    }

    /// The prompt's tokens with their log-probabilities, whichever layout the server used.
    struct PromptTokens: Sendable {
        var texts: [String]
        /// Start of each token in the prompt, in Unicode scalars.
        var offsets: [Int]
        /// nil for the first token (nothing predicts it).
        var logprobs: [Double?]
        /// The most likely token's text at each position, where the server said.
        var topTokens: [String?]
        var topLogprobs: [[String: Double]?]
    }
}
