import Foundation
import ProctorCore
import ProctorOpenAI
import ProctorTesting
import Testing

@Suite struct ConcurrencyTests {
    @Test func oneFailingItemDoesNotSinkTheBatch() async throws {
        let responder: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
            request.bodyString.contains("BAD") ? .status(500, message: "cannot answer") : .chat(text: "answer")
        }
        try await withBackend(defaultResponse: responder, configure: { $0.maxRetries = 2 }) { backend, server in
            let prompts = ["one", "two", "BAD three", "four", "five", "six"]
            let outcomes = await concurrentMap(prompts, limit: prompts.count) { _, prompt in
                do {
                    let request = GenerationRequest(prompt: .chat([.user(prompt)]))
                    return Result<String, ProctorError>.success(try await backend.generate(request).text)
                } catch let error as ProctorError {
                    return .failure(error)
                } catch {
                    return .failure(.invalidArgument("unexpected error \(error)"))
                }
            }
            for (prompt, outcome) in zip(prompts, outcomes) {
                switch outcome {
                case .success(let text):
                    #expect(!prompt.contains("BAD"))
                    #expect(text == "answer")
                case .failure(let error):
                    #expect(prompt.contains("BAD"))
                    #expect(error == .httpStatus)
                    #expect(error.httpStatus == 500)
                    #expect(error.description.contains("HTTP 500"))
                    #expect(error.description.contains("cannot answer"))
                }
            }
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 5)
            let badAttempts = server.requests.filter { $0.bodyString.contains("BAD") }.count
            #expect(badAttempts == 3)
            #expect(server.requestCount == 5 + 3)
        }
    }

    @Test func concurrencyCapHoldsAtTheServer() async throws {
        try await withBackend(
            defaultResponse: { _ in .delay(0.2, then: .chat(text: "slow")) },
            configure: { $0.maxConcurrency = 2 }
        ) { backend, server in
            #expect(backend.maxConcurrency == 2)
            let start = ContinuousClock.now
            let texts = await concurrentMap(Array(0..<6), limit: 6) { _, index in
                let request = GenerationRequest(prompt: .chat([.user("item \(index)")]))
                return (try? await backend.generate(request).text) ?? "failed"
            }
            #expect(texts == Array(repeating: "slow", count: 6))
            #expect(server.requestCount == 6)
            #expect(server.maxInFlight <= 2)
            #expect(server.maxInFlight >= 1)
            // Six calls, two at a time, 0.2 s each: at least three rounds.
            #expect(seconds(since: start) >= 0.55)
        }
    }

    @Test func serverHandlesKeepAliveAndParallelConnections() async throws {
        try await withBackend { backend, server in
            for _ in 0..<5 { _ = try await backend.generate(chatRequest) }
            let texts = await concurrentMap(Array(0..<8), limit: 8) { _, _ in
                (try? await backend.generate(chatRequest).text) ?? "failed"
            }
            #expect(texts.allSatisfy { $0 == "ok" })
            #expect(server.requestCount == 13)
            #expect(server.inFlight == 0)
        }
    }
}
