import Foundation
import ProctorCore
import ProctorOpenAI
import ProctorTesting
import Testing

@Suite struct RetryTests {
    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await withBackend(script: [.status(429, retryAfter: "1"), .chat(text: "after wait")]) { backend, server in
            let start = ContinuousClock.now
            let result = try await backend.generate(chatRequest)
            let elapsed = seconds(since: start)
            #expect(result.text == "after wait")
            #expect(server.requestCount == 2)
            #expect(elapsed >= 0.95)
            // The successful call alone is timed, not the wait before it.
            #expect(result.generationSeconds < elapsed - 0.5)
        }
    }

    @Test func serverErrorThenSuccess() async throws {
        try await withBackend(script: [.status(500), .status(503), .chat(text: "recovered")]) { backend, server in
            let result = try await backend.generate(chatRequest)
            #expect(result.text == "recovered")
            #expect(server.requestCount == 3)
        }
    }

    @Test func timeoutThenSuccess() async throws {
        try await withBackend(
            script: [.delay(30, then: .chat(text: "too late")), .chat(text: "on time")],
            configure: { $0.requestTimeout = 0.3 }
        ) { backend, server in
            let start = ContinuousClock.now
            let result = try await backend.generate(chatRequest)
            #expect(result.text == "on time")
            #expect(server.requestCount == 2)
            // Far below the 30 s the first answer would take: the 0.3 s deadline cut it off.
            #expect(seconds(since: start) < 10)
        }
    }

    @Test func timeoutEveryTimeThrowsTimeoutAfterBudget() async throws {
        try await withBackend(
            defaultResponse: { _ in .delay(1.5, then: .chat(text: "too late")) },
            configure: {
                $0.requestTimeout = 0.3
                $0.maxRetries = 2
            }
        ) { backend, server in
            let error = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(error == .timeout)
            #expect(error?.description.contains("0.3 s") == true)
            #expect(server.requestCount == 3)
        }
    }

    @Test func malformedBodyIsNotRetried() async throws {
        try await withBackend(script: [.malformed]) { backend, server in
            let error = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(error == .malformedResponse)
            #expect(error?.description.contains("not valid JSON") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test func wrongShapeIsMalformed() async throws {
        try await withBackend(script: [.json(body: #"{"choices":[]}"#), .json(body: #"{"data":"x"}"#)]) {
            backend, server in
            let empty = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(empty == .malformedResponse)
            let missing = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(missing == .malformedResponse)
            #expect(missing?.description.contains("choices") == true)
            #expect(server.requestCount == 2)
        }
    }

    @Test func droppedConnectionThenSuccess() async throws {
        try await withBackend(script: [.dropConnection, .chat(text: "second try")]) { backend, server in
            let result = try await backend.generate(chatRequest)
            #expect(result.text == "second try")
            #expect(server.requestCount == 2)
        }
    }

    @Test func clientErrorIsNotRetried() async throws {
        try await withBackend(script: [.status(400, message: "bad field")]) { backend, server in
            let error = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(error == .httpStatus)
            #expect(error?.httpStatus == 400)
            #expect(error?.description.contains("bad field") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        // A port that was just released has no listener.
        let url = try await ScriptedOpenAIServer.withServer { $0.baseURL }
        try await withClient { client in
            let config = OpenAIConfig(
                baseURL: url, model: "m", requestTimeout: 0.5, maxRetries: 1, backoffBase: 0.01, backoffCap: 0.01)
            let backend = OpenAIBackend(config: config, client: client, logger: .init(label: "proctor.test"))
            let error = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(error?.isTransient == true)
            // async-http-client retries a refused connect inside the call's deadline, so on a
            // loaded machine the deadline may come first: either is a clear transient failure.
            #expect(error == .httpTransport || error == .timeout)
            if error == .httpTransport { #expect(error?.description.lowercased().contains("refused") == true) }
            #expect(error?.description.contains(url) == true)
        }
    }

    @Test func apiKeyNeverAppearsInErrors() async throws {
        let keyVar = uniqueEnvName("SECRET_KEY")
        let key = "sk-very-secret-\(UInt32.random(in: 0...UInt32.max))"
        setenv(keyVar, key, 1)
        defer { unsetenv(keyVar) }
        // A server that echoes the Authorization header back in its error and in a bad body.
        let echo: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
            let auth = request.header("Authorization") ?? ""
            return request.isModelList
                ? .json(body: "not json, auth was \(auth)")
                : .json(status: 401, body: #"{"error":"invalid key: \#(auth)"}"#)
        }
        try await withBackend(defaultResponse: echo, configure: { $0.apiKeyEnv = keyVar }) { backend, server in
            let denied = await #expect(throws: ProctorError.self) { try await backend.generate(chatRequest) }
            #expect(denied == .httpStatus)
            #expect(denied?.httpStatus == 401)
            #expect(server.requestCount == 1)
            let bad = await #expect(throws: ProctorError.self) { try await backend.listModels() }
            #expect(bad == .malformedResponse)
            for error in [denied, bad].compactMap({ $0 }) {
                #expect(!error.description.contains(key))
                #expect(!"\(error)".contains(key))
                #expect(error.description.contains("[redacted]"))
            }
            #expect(server.requests.first?.header("Authorization") == "Bearer \(key)")
        }
    }

    @Test func cancellationPropagates() async throws {
        try await withBackend(
            defaultResponse: { _ in .delay(60, then: .chat(text: "never")) },
            configure: { $0.requestTimeout = 120 }
        ) { backend, _ in
            let start = ContinuousClock.now
            let outcome = await withTaskGroup(of: Result<GenerationResult, any Error>.self) { group in
                group.addTask {
                    do { return .success(try await backend.generate(chatRequest)) } catch { return .failure(error) }
                }
                try? await Task.sleep(for: .milliseconds(200))
                group.cancelAll()
                return await group.next()
            }
            guard case .failure(let error) = outcome else {
                Issue.record("expected a failure, got \(String(describing: outcome))")
                return
            }
            #expect(error is CancellationError)
            // Far below the 60 s answer and the 120 s deadline: cancellation ended the call.
            #expect(seconds(since: start) < 20)
        }
    }
}
