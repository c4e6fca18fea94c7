import Foundation
import ProctorCore
import ProctorOpenAI
import ProctorTesting
import Testing

@Suite struct RequestTests {
    @Test func chatBodyIsExactAndCarriesTheKey() async throws {
        let keyVar = uniqueEnvName("CHAT_KEY")
        setenv(keyVar, "sk-test-chat-123", 1)
        defer { unsetenv(keyVar) }
        try await withBackend(
            script: [.chat(text: "Hi there", promptTokens: 12, completionTokens: 3, finishReason: "length")],
            configure: { $0.apiKeyEnv = keyVar }
        ) { backend, server in
            let settings = GenerationSettings(
                maxTokens: 32, temperature: 0.5, topP: 0.9, seed: 7, stop: ["\n###", "</s>"])
            let request = GenerationRequest(
                prompt: .chat([.system("Be brief."), .user("Say \"hi\"")]), settings: settings)
            let result = try await backend.generate(request)
            #expect(result.text == "Hi there")
            #expect(result.finishReason == .length)
            #expect(result.promptTokens == 12)
            #expect(result.completionTokens == 3)
            #expect(result.generationSeconds > 0)

            let recorded = try #require(server.requests.first)
            #expect(server.requestCount == 1)
            #expect(recorded.method == "POST")
            #expect(recorded.path == "/v1/chat/completions")
            #expect(recorded.header("Authorization") == "Bearer sk-test-chat-123")
            #expect(recorded.header("Content-Type") == "application/json")
            let expected =
                #"{"max_tokens":32,"messages":[{"content":"Be brief.","role":"system"},"#
                + #"{"content":"Say \"hi\"","role":"user"}],"model":"test-model","seed":7,"#
                + #""stop":["\n###","</s>"],"temperature":0.5,"top_p":0.9}"#
            #expect(recorded.bodyString == expected)
        }
    }

    @Test func completionBodyIsExactWithoutKey() async throws {
        try await withBackend { backend, server in
            let request = GenerationRequest(prompt: .text("Once upon a time"), settings: GenerationSettings())
            let result = try await backend.generate(request)
            #expect(result.text == "ok")
            #expect(result.finishReason == .stop)
            #expect(result.promptTokens == 5)
            #expect(result.completionTokens == 1)

            let recorded = try #require(server.requests.first)
            #expect(recorded.path == "/v1/completions")
            #expect(recorded.header("Authorization") == nil)
            let expected = #"{"max_tokens":256,"model":"test-model","prompt":"Once upon a time","temperature":0}"#
            #expect(recorded.bodyString == expected)
        }
    }

    @Test func emptyOrUnsetKeyVariableSendsNoAuthorization() async throws {
        let emptyVar = uniqueEnvName("EMPTY_KEY")
        setenv(emptyVar, "", 1)
        defer { unsetenv(emptyVar) }
        for name in [emptyVar, uniqueEnvName("UNSET_KEY")] {
            try await withBackend(configure: { $0.apiKeyEnv = name }) { backend, server in
                _ = try await backend.generate(chatRequest)
                #expect(server.requests.first?.header("Authorization") == nil)
            }
        }
    }

    @Test func usageMayBeAbsent() async throws {
        let body = #"{"choices":[{"message":{"role":"assistant","content":"bare"}}]}"#
        try await withBackend(script: [.json(body: body)]) { backend, _ in
            let result = try await backend.generate(chatRequest)
            #expect(result.text == "bare")
            #expect(result.finishReason == .stop)
            #expect(result.promptTokens == 0)
            #expect(result.completionTokens == 0)
        }
    }

    @Test func listModelsReadsIDs() async throws {
        try await withBackend(script: [.models(["alpha", "beta"])]) { backend, server in
            let models = try await backend.listModels()
            #expect(models == ["alpha", "beta"])
            #expect(server.requests.first?.method == "GET")
            #expect(server.requests.first?.path == "/v1/models")
        }
    }

    @Test func trailingSlashInBaseURLIsIgnored() async throws {
        try await withBackend(configure: { $0.baseURL += "/" }) { backend, server in
            _ = try await backend.generate(chatRequest)
            #expect(server.requests.first?.path == "/v1/chat/completions")
        }
    }
}
