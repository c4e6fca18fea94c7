import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ProctorCore
import Synchronization

/// A model behind any OpenAI-compatible HTTP server (llama.cpp's server, Ollama, vLLM,
/// api.openai.com).
///
/// Chat prompts go to `/chat/completions`, text prompts to `/completions`. Transient failures
/// (HTTP 429 and 5xx, timeouts, refused or dropped connections) are retried with exponential
/// backoff and full jitter, honouring `Retry-After`; other failures are thrown at once. At most
/// `config.maxConcurrency` calls from this backend are in flight at a time.
///
/// The caller owns the `HTTPClient` and shuts it down after the last call.
public final class OpenAIBackend: ModelBackend {
    public let config: OpenAIConfig
    private let client: HTTPClient
    private let logger: Logger
    private let permits: AsyncSemaphore
    let baseURL: String
    /// The conformance probe's verdict, once run (see `OpenAIBackend+Loglikelihood.swift`).
    let probeVerdict = Mutex<ProbeVerdict?>(nil)
    let scoredTokens = Mutex(EvaluationTokenCounts())

    public init(config: OpenAIConfig, client: HTTPClient, logger: Logger) {
        self.config = config
        self.client = client
        self.logger = logger
        self.permits = AsyncSemaphore(value: max(1, config.maxConcurrency))
        self.baseURL = config.normalizedBaseURL
    }

    public var name: String { config.name ?? config.model }
    public var defaultPromptStyle: PromptStyle { config.promptStyle }
    public var maxConcurrency: Int { max(1, config.maxConcurrency) }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let isChat: Bool
        if case .chat = request.prompt { isChat = true } else { isChat = false }
        let url = baseURL + (isChat ? "/chat/completions" : "/completions")
        let body: [UInt8]
        do {
            body = try OpenAIWire.encode(
                OpenAIWire.CompletionRequest(model: config.model, prompt: request.prompt, settings: request.settings))
        } catch {
            throw ProctorError.invalidArgument("cannot encode the request: \(error)")
        }
        let (response, seconds) = try await call(.POST, url: url, body: body)
        let decoded = try decode(OpenAIWire.CompletionResponse.self, from: response, url: url)
        guard let choice = decoded.choices.first else {
            throw ProctorError.malformedResponse(url: url, detail: "no choices in the answer")
        }
        let text: String
        if isChat {
            guard let message = choice.message else {
                throw ProctorError.malformedResponse(url: url, detail: "missing field 'message' in choices[0]")
            }
            text = message.content ?? ""
        } else {
            guard let completion = choice.text else {
                throw ProctorError.malformedResponse(url: url, detail: "missing field 'text' in choices[0]")
            }
            text = completion
        }
        return GenerationResult(
            text: text, finishReason: choice.finishReason == "length" ? .length : .stop,
            promptTokens: decoded.usage?.promptTokens ?? 0, completionTokens: decoded.usage?.completionTokens ?? 0,
            generationSeconds: seconds,
            cachedPromptTokens: decoded.usage?.promptTokensDetails?.cachedTokens ?? 0)
    }

    /// The ids of the models the server offers (`GET /models`, `data[].id`).
    public func listModels() async throws -> [String] {
        let url = baseURL + "/models"
        let (response, _) = try await call(.GET, url: url, body: nil)
        return try decode(OpenAIWire.ModelList.self, from: response, url: url).data.map(\.id)
    }

    // MARK: Calls with retries

    /// Sends one request, retrying transient failures; returns the 2xx body and the seconds
    /// the successful attempt took.
    func call(_ method: HTTPMethod, url: String, body: [UInt8]?) async throws -> (ByteBuffer, Double) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ProctorError.invalidArgument("not an http(s) URL: \(url)", field: "baseURL")
        }
        let key = apiKey()
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        let exchange = HTTPExchange(
            client: client, logger: logger, timeout: config.requestTimeout, maxResponseBytes: config.maxResponseBytes)
        let policy = config.retryPolicy
        var retry = 0
        while true {
            try Task.checkCancellation()
            let failure: ProctorError
            var retryAfter: Double?
            do {
                let start = ContinuousClock.now
                let response = try await permits.withPermit {
                    try await exchange.send(method: method, url: url, headers: headers, body: body)
                }
                if (200..<300).contains(response.status) {
                    return (response.body, Self.seconds(start.duration(to: .now)))
                }
                let text = Self.redact(String(buffer: response.body), key: key)
                failure = ProctorError.httpStatus(response.status, url: url, body: text)
                retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After"))
            } catch let error as ProctorError {
                failure = error
            }
            guard failure.isTransient, retry < policy.maxRetries else {
                if retry > 0 {
                    logger.warning(
                        "giving up", metadata: ["url": "\(url)", "attempts": "\(retry + 1)", "error": "\(failure)"])
                }
                throw failure
            }
            let delay = policy.delay(afterRetry: retry, retryAfter: retryAfter)
            logger.debug(
                "retrying",
                metadata: [
                    "url": "\(url)", "attempt": "\(retry + 1)", "delay_s": "\(delay)", "error": "\(failure)",
                ])
            try await Task.sleep(for: .seconds(delay))
            retry += 1
        }
    }

    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer, url: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            var snippet = Self.redact(String(buffer: body), key: apiKey())
            if snippet.count > 200 { snippet = String(snippet.prefix(200)) + "…" }
            throw ProctorError.malformedResponse(
                url: url, detail: "\(OpenAIWire.describe(error)); body: \(snippet.isEmpty ? "(empty)" : snippet)")
        }
    }

    /// The API key from the environment at call time; nil when unset or empty.
    private func apiKey() -> String? {
        guard let name = config.apiKeyEnv, !name.isEmpty, let raw = getenv(name) else { return nil }
        let key = String(cString: raw)
        return key.isEmpty ? nil : key
    }

    /// Removes the API key from text a server sent back, in case it echoes the request.
    static func redact(_ text: String, key: String?) -> String {
        guard let key, !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "[redacted]")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
