import AsyncHTTPClient
import Foundation
import Logging
import ProctorCore
import ProctorLlama
import ProctorOpenAI

/// Opens backends for model specs, once per spec: a model that is also the judge is loaded
/// once. Its lifetime is scoped by `withFactory`, which shuts the HTTP client down.
final class BackendFactory: @unchecked Sendable {
    let runtime: LlamaRuntime
    let httpClient: HTTPClient
    let logger: Logger
    let engineConfig: LlamaEngineConfig
    /// Overrides applied to every HTTP spec.
    var apiKeyEnv: String?
    var requestTimeout: Double?
    var httpConcurrency: Int?
    private var cache: [String: any ModelBackend] = [:]

    private init(runtime: LlamaRuntime, httpClient: HTTPClient, logger: Logger, engineConfig: LlamaEngineConfig) {
        self.runtime = runtime
        self.httpClient = httpClient
        self.logger = logger
        self.engineConfig = engineConfig
    }

    static func withFactory<T>(
        logger: Logger, engineConfig: LlamaEngineConfig = LlamaEngineConfig(),
        _ body: (BackendFactory) async throws -> T
    ) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let factory = BackendFactory(
            runtime: LlamaRuntime.discover(), httpClient: client, logger: logger, engineConfig: engineConfig)
        do {
            let result = try await body(factory)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The backend for a spec string; parses, checks and loads it (local models load now, so
    /// a missing file or runtime fails before any work starts).
    func backend(for raw: String) throws -> (spec: ModelSpec, backend: any ModelBackend) {
        let spec = try ModelSpec(parsing: raw)
        if let cached = cache[spec.description] { return (spec, cached) }
        let backend: any ModelBackend
        switch spec {
        case .gguf(let path):
            backend = try LlamaBackend.load(path: path, runtime: runtime, config: engineConfig)
        case .local(let name):
            let path = try runtime.modelPath(local: name)
            // Gemma-3-270M is a base model: it completes text rather than following a chat.
            let style: PromptStyle = name == "gemma3-270m" ? .raw : .chat
            backend = try LlamaBackend.load(
                path: path, name: name, defaultPromptStyle: style, runtime: runtime, config: engineConfig)
        case .http:
            guard var config = OpenAIConfig(spec: spec) else {
                throw ProctorError.unknownModelSpec(raw, hint: "not an HTTP spec")
            }
            if let apiKeyEnv { config.apiKeyEnv = apiKeyEnv }
            if let requestTimeout { config.requestTimeout = requestTimeout }
            if let httpConcurrency { config.maxConcurrency = httpConcurrency }
            backend = OpenAIBackend(config: config, client: httpClient, logger: logger)
        }
        cache[spec.description] = backend
        return (spec, backend)
    }
}
