import ProctorCore

/// How to reach one OpenAI-compatible endpoint and how hard to try.
///
/// The API key is never part of the configuration: `apiKeyEnv` names the environment
/// variable it is read from at call time, so a config can be logged or printed safely.
public struct OpenAIConfig: Sendable, Hashable {
    /// The API root, e.g. `http://127.0.0.1:8080/v1`; a trailing `/` is ignored.
    public var baseURL: String
    /// The `model` field sent with every request.
    public var model: String
    /// A label for tables and file names; `model` when nil.
    public var name: String?
    /// The NAME of an environment variable holding the API key; nil sends no key.
    public var apiKeyEnv: String?
    /// Seconds one HTTP call may take, from sending to the last byte of the answer.
    public var requestTimeout: Double
    /// Further attempts after the first for transient failures (429, 5xx, timeouts, dropped connections).
    public var maxRetries: Int
    /// First backoff ceiling in seconds; it doubles with each retry up to `backoffCap` (full jitter).
    public var backoffBase: Double
    /// Largest backoff ceiling in seconds.
    public var backoffCap: Double
    /// Largest wait honoured from a server's `Retry-After` header, in seconds.
    public var retryAfterCap: Double
    /// Most calls in flight to this endpoint from one backend.
    public var maxConcurrency: Int
    /// The prompt style used when a caller does not choose one.
    public var promptStyle: PromptStyle
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int

    public init(
        baseURL: String = "http://127.0.0.1:8080/v1", model: String = "default", name: String? = nil,
        apiKeyEnv: String? = nil, requestTimeout: Double = 120, maxRetries: Int = 4, backoffBase: Double = 0.5,
        backoffCap: Double = 20, retryAfterCap: Double = 60, maxConcurrency: Int = 8,
        promptStyle: PromptStyle = .chat, maxResponseBytes: Int = 16 << 20
    ) {
        self.baseURL = baseURL
        self.model = model
        self.name = name
        self.apiKeyEnv = apiKeyEnv
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.retryAfterCap = retryAfterCap
        self.maxConcurrency = maxConcurrency
        self.promptStyle = promptStyle
        self.maxResponseBytes = maxResponseBytes
    }

    /// The configuration for an HTTP model spec (`openai:`, `ollama:`, `http://…#MODEL`);
    /// nil for specs served in-process.
    public init?(spec: ModelSpec) {
        guard case .http(let baseURL, let model, let apiKeyEnv) = spec else { return nil }
        self.init(baseURL: baseURL, model: model, apiKeyEnv: apiKeyEnv)
    }

    /// `baseURL` without trailing slashes.
    public var normalizedBaseURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The retry and backoff settings as one value.
    public var retryPolicy: RetryPolicy {
        RetryPolicy(
            maxRetries: maxRetries, backoffBase: backoffBase, backoffCap: backoffCap, retryAfterCap: retryAfterCap)
    }
}
