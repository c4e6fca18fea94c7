import AsyncHTTPClient
import Foundation
import Logging
import ProctorCore
import ProctorOpenAI
import ProctorTesting

/// Runs `body` with a fresh HTTP client and shuts the client down however `body` ends.
func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let result: T
    do {
        result = try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}

/// A config aimed at the scripted server with fast retries.
func testConfig(
    _ server: ScriptedOpenAIServer, apiKeyEnv: String? = nil, requestTimeout: Double = 5, maxRetries: Int = 3,
    maxConcurrency: Int = 8
) -> OpenAIConfig {
    OpenAIConfig(
        baseURL: server.baseURL, model: "test-model", apiKeyEnv: apiKeyEnv, requestTimeout: requestTimeout,
        maxRetries: maxRetries, backoffBase: 0.01, backoffCap: 0.05, maxConcurrency: maxConcurrency)
}

/// Starts a scripted server and a client, and hands the test a backend wired to both.
func withBackend<T>(
    script: [ScriptedResponse] = [],
    defaultResponse: @escaping @Sendable (RecordedRequest) -> ScriptedResponse = ScriptedResponse.standard,
    configure: (inout OpenAIConfig) -> Void = { _ in },
    _ body: (OpenAIBackend, ScriptedOpenAIServer) async throws -> T
) async throws -> T {
    try await ScriptedOpenAIServer.withServer(script, defaultResponse: defaultResponse) { server in
        try await withClient { client in
            var config = testConfig(server)
            configure(&config)
            let backend = OpenAIBackend(config: config, client: client, logger: Logger(label: "proctor.test"))
            return try await body(backend, server)
        }
    }
}

/// A variable name no other test uses, for `setenv`.
func uniqueEnvName(_ stem: String) -> String {
    "PROCTOR_TEST_\(stem)_\(UInt32.random(in: 0...UInt32.max))"
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

let chatRequest = GenerationRequest(prompt: .chat([.user("Hello")]), settings: GenerationSettings(maxTokens: 16))
