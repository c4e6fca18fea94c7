import AsyncHTTPClient
import Foundation
import Logging
import ProctorCore
import ProctorOpenAI
import ProctorTesting
import Testing

/// A toy language model served in the legacy `echo`/`logprobs` layout, correct by construction:
/// tokens are words with their leading space, and the distribution after a token depends only on
/// that token's length.
enum ToyLanguageModel {
    static func tokens(_ text: String) -> [(text: String, offset: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if scalar == " " && !current.isEmpty && current != " " {
                result.append((current, start))
                current = ""
                start = index
            }
            current.unicodeScalars.append(scalar)
        }
        if !current.isEmpty { result.append((current, start)) }
        return result
    }

    /// The next-token distribution (top entries) after a token.
    static func distribution(after previous: String) -> [String: Double] {
        let shift = Double(previous.count) / 100
        return [" alpha": -0.5 - shift, " beta": -1.5 - shift, ".": -2.5 - shift]
    }

    static func logprob(_ token: String, after previous: String) -> Double {
        distribution(after: previous)[token] ?? (-4 - Double(token.count) / 10 - Double(previous.count) / 50)
    }

    static func respond(_ request: RecordedRequest) -> ScriptedResponse {
        guard request.isTextCompletion,
            let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let prompt = body["prompt"] as? String
        else { return .status(400, message: "toy model: text completions only") }
        let echo = body["echo"] as? Bool ?? false
        let tokens = tokens(prompt)
        var texts: [String] = []
        var offsets: [Int] = []
        var values: [Any] = []
        var tops: [Any] = []
        if echo {
            for (index, token) in tokens.enumerated() {
                texts.append(token.text)
                offsets.append(token.offset)
                if index == 0 {
                    values.append(NSNull())
                    tops.append(NSNull())
                } else {
                    let previous = tokens[index - 1].text
                    let own = logprob(token.text, after: previous)
                    var top = distribution(after: previous)
                    top[token.text] = own
                    values.append(own)
                    tops.append(top)
                }
            }
        }
        let last = tokens.last?.text ?? ""
        let next = distribution(after: last)
        texts.append(" alpha")
        offsets.append(prompt.unicodeScalars.count)
        values.append(next[" alpha"]!)
        tops.append(next)
        let json: [String: Any] = [
            "object": "text_completion",
            "choices": [
                [
                    "index": 0, "text": (echo ? prompt : "") + " alpha", "finish_reason": "length",
                    "logprobs": [
                        "tokens": texts, "token_logprobs": values, "top_logprobs": tops, "text_offset": offsets,
                    ],
                ]
            ],
            "usage": ["prompt_tokens": tokens.count, "completion_tokens": 1],
        ]
        let data = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return .json(body: String(decoding: data, as: UTF8.self))
    }
}

@Suite("Loglikelihood over HTTP and the conformance probe")
struct LoglikelihoodProbeTests {
    @Test func correctServerPassesAndScoresMatchItsModel() async throws {
        try await withBackend(defaultResponse: ToyLanguageModel.respond) { backend, server in
            let verdict = try await backend.probe()
            #expect(verdict.passed, "\(verdict.detail)")
            let results = try await backend.loglikelihood([
                LoglikelihoodRequest(context: "The sky is", continuation: " blue today"),
                LoglikelihoodRequest(context: "The sky is ", continuation: "alpha"),
            ])
            let expected =
                ToyLanguageModel.logprob(" blue", after: " is") + ToyLanguageModel.logprob(" today", after: " blue")
            #expect(abs(results[0].logprob - expected) < 1e-9)
            #expect(results[0].tokenCount == 2)
            #expect(!results[0].isGreedy)
            // The trailing space moved into the continuation: " alpha" is the toy model's top token.
            #expect(abs(results[1].logprob - ToyLanguageModel.logprob(" alpha", after: " is")) < 1e-9)
            #expect(results[1].isGreedy)
            // Every scoring request asked for echoed log-probabilities.
            let bodies = server.requests.map(\.bodyString)
            #expect(bodies.suffix(2).allSatisfy { $0.contains("\"echo\":true") && $0.contains("\"logprobs\":1") })
        }
    }

    @Test func misalignedEchoIsRefusedWithAClearError() async throws {
        // Each token's log-probability taken from the distribution after it (off by one).
        let shifted: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
            guard case .json(let status, let body, let headers) = ToyLanguageModel.respond(request),
                var json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                var choices = json["choices"] as? [[String: Any]],
                var logprobs = choices[0]["logprobs"] as? [String: Any],
                var tops = logprobs["top_logprobs"] as? [Any]
            else { return ToyLanguageModel.respond(request) }
            if tops.count > 2 {
                tops = [NSNull()] + Array(tops.dropFirst(2)) + [tops.last!]
            }
            logprobs["top_logprobs"] = tops
            choices[0]["logprobs"] = logprobs
            json["choices"] = choices
            let data = try! JSONSerialization.data(withJSONObject: json)
            return .json(status: status, body: String(decoding: data, as: UTF8.self), headers: headers)
        }
        try await withBackend(defaultResponse: shifted) { backend, _ in
            let verdict = try await backend.probe()
            #expect(!verdict.passed)
            await #expect(throws: ProctorError.nonConformingServer) {
                _ = try await backend.loglikelihood([LoglikelihoodRequest(context: "a b", continuation: " c")])
            }
        }
    }

    @Test func serverWithoutPromptLogprobsIsRefused() async throws {
        try await withBackend(defaultResponse: { _ in .chat(text: "x") }) { backend, _ in
            await #expect(throws: ProctorError.nonConformingServer) {
                _ = try await backend.loglikelihood([LoglikelihoodRequest(context: "a", continuation: " b")])
            }
        }
    }

    /// llama-cpp-python 0.3.36's own server (installed by `proctor runtime install`) returns each
    /// token's log-probability from the distribution that follows it; the probe must refuse it.
    @Test func llamaCppPythonServerIsRefused() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let manifest = try String(
            contentsOf: root.appendingPathComponent(".proctor-runtime/runtime.env"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        let python = try #require(values["PYTHON"])
        let model = try #require(values["MODEL_SMOLLM2_135M_INSTRUCT"])
        let port = Int.random(in: 20000...40000)
        let arguments = [
            python, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", "\(port)", "--n_ctx",
            "512",
        ]
        try await BackgroundProcess.with(arguments) { _ in
            try await withClient { client in
                let url = "http://127.0.0.1:\(port)/v1"
                // Wait until the server loaded the model and answers (short calls, no retries).
                let ping = OpenAIBackend(
                    config: OpenAIConfig(baseURL: url, model: "smollm2", requestTimeout: 2, maxRetries: 0),
                    client: client,
                    logger: Logger(label: "proctor.test"))
                var ready = false
                for _ in 0..<240 where !ready {
                    ready = (try? await ping.listModels()) != nil
                    if !ready { try await Task.sleep(for: .milliseconds(500)) }
                }
                try #require(ready, "llama-cpp-python's server did not start on port \(port)")
                let config = OpenAIConfig(baseURL: url, model: "smollm2", requestTimeout: 60, maxRetries: 2)
                let backend = OpenAIBackend(config: config, client: client, logger: Logger(label: "proctor.test"))
                let verdict = try await backend.probe()
                #expect(!verdict.passed)
                #expect(verdict.detail.contains("one-token generation"), "\(verdict.detail)")
            }
        }
    }
}
