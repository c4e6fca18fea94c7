import Foundation
import ProctorCore
import Testing

@testable import ProctorLlama

/// One SmolLM2 engine shared by the tests of this file (loading takes a fraction of a second,
/// but sharing keeps the suite quick on two cores).
enum SmolLM2 {
    static let runtime = LlamaRuntime.discover()
    static let backend: Result<LlamaBackend, any Error> = Result {
        try LlamaBackend.load(
            path: try runtime.modelPath(local: "smollm2-135m-instruct"), name: "smollm2", runtime: runtime,
            config: LlamaEngineConfig(contextLength: 2048))
    }
}

@Suite("llama.cpp engine on SmolLM2-135M-Instruct", .serialized)
struct LlamaEngineTests {
    let backend: LlamaBackend

    init() throws { backend = try SmolLM2.backend.get() }

    @Test func twoGreedyGenerationsAreIdentical() async throws {
        let request = GenerationRequest(
            prompt: .chat([.user("Name three colours of the rainbow.")]),
            settings: GenerationSettings(maxTokens: 40, temperature: 0))
        let first = try await backend.generate(request)
        // Another prompt in between changes the KV cache; the answer must not change.
        _ = try await backend.generate(
            GenerationRequest(prompt: .text("Once upon a time"), settings: GenerationSettings(maxTokens: 5)))
        let second = try await backend.generate(request)
        #expect(!first.text.isEmpty)
        #expect(first.text == second.text)
        #expect(first.completionTokens == second.completionTokens)
        #expect(first.completionTokens > 0 && first.completionTokens <= 40)
    }

    @Test func chatTemplateIsApplied() throws {
        let rendered = try backend.engine.render(.chat([.system("Be brief."), .user("What is 2+2?")]))
        #expect(
            rendered
                == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n")
        // Special tokens are parsed as tokens, not spelled out as text.
        let tokens = try backend.engine.tokens(for: .chat([.user("Hi")]))
        let imStart = try backend.engine.model.tokenize("<|im_start|>", addSpecial: false, parseSpecial: true)
        #expect(imStart.count == 1)
        #expect(tokens.contains(imStart[0]))
        #expect(backend.defaultPromptStyle == .chat)
    }

    @Test func seededSamplingIsReproducibleAndSeedsDiffer() async throws {
        func sample(_ seed: UInt64) async throws -> String {
            try await backend.generate(
                GenerationRequest(
                    prompt: .text("The weather today is"),
                    settings: GenerationSettings(maxTokens: 24, temperature: 1.2, seed: seed))
            ).text
        }
        let a = try await sample(7)
        let b = try await sample(7)
        #expect(a == b)
        var others: Set<String> = []
        for seed in UInt64(1)...4 { others.insert(try await sample(seed)) }
        #expect(others.count > 1)
    }

    @Test func stopSequencesCutTheText() async throws {
        let request = GenerationRequest(
            prompt: .text("1, 2, 3, 4, 5,"), settings: GenerationSettings(maxTokens: 30, temperature: 0, stop: ["8"]))
        let result = try await backend.generate(request)
        #expect(result.finishReason == .stop)
        #expect(!result.text.contains("8"))
        #expect(result.text.contains("6"))
    }

    @Test func maxTokensBoundsTheAnswer() async throws {
        let result = try await backend.generate(
            GenerationRequest(
                prompt: .text("Write a long story about a dragon."), settings: GenerationSettings(maxTokens: 7)))
        #expect(result.completionTokens <= 7)
        #expect(result.finishReason == .length || result.completionTokens < 7)
    }

    @Test func sharedPrefixIsReusedWithoutChangingAnswers() async throws {
        let preamble = String(repeating: "This is a shared preamble about the evaluation. ", count: 6)
        let promptA = GenerationRequest(
            prompt: .text(preamble + "Question: what colour is the sky?"), settings: GenerationSettings(maxTokens: 12))
        let promptB = GenerationRequest(
            prompt: .text(preamble + "Question: what is two plus two?"), settings: GenerationSettings(maxTokens: 12))
        _ = try await backend.generate(promptA)
        let warm = try await backend.generate(promptB)
        #expect(warm.cachedPromptTokens > 40)
        // The same prompt from a cold cache gives the same greedy answer.
        _ = try await backend.generate(GenerationRequest(prompt: .text("Unrelated."), settings: .init(maxTokens: 1)))
        let cold = try await backend.generate(promptB)
        #expect(cold.text == warm.text)
    }

    /// The final logits of a prompt, evaluated as a generation would, after whatever ran before.
    static func promptLogits(_ backend: LlamaBackend, _ prompt: Prompt) async throws -> [Float] {
        let engine = backend.engine
        let tokens = try engine.tokens(for: prompt)
        return try engine.state.withLock { state in
            _ = try engine.evaluatePrompt(&state, tokens)
            return Array(try state.context.logits(at: -1))
        }
    }

    /// The largest absolute difference between two logit vectors (a number, not the vectors,
    /// goes into a failure message).
    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// A generation's prompt gives the same logits, bit for bit, whatever the engine evaluated
    /// before: the judge's prompts share a long head, re-asks repeat a prompt, and answers are
    /// generated one token at a time. Both installed models: Gemma-3's K-quant weights make its
    /// numbers depend on the micro-batch layout far more than SmolLM2's.
    @Test(arguments: ["smollm2-135m-instruct", "gemma3-270m"])
    func promptLogitsDoNotDependOnWhatRanBefore(model: String) async throws {
        let runtime = SmolLM2.runtime
        let backend = try LlamaBackend.load(
            path: try runtime.modelPath(local: model), name: model, runtime: runtime,
            config: LlamaEngineConfig(contextLength: 2048))
        let head = String(repeating: "Given the input and the correct output, score the model response. ", count: 4)
        func judge(_ item: Int, _ answer: String) -> Prompt {
            .text(head + "Input: question \(item) about planets. Output: Jupiter. Response: \(answer). Score:")
        }
        let targets = (0..<6).map { judge($0, String(repeating: "the largest planet is Jupiter ", count: $0 + 1)) }
        var cold: [[Float]] = []
        for target in targets {
            backend.engine.state.withLock { state in
                state.context.clearMemory()
                state.cached = []
                state.alignedTokens = 0
            }
            cold.append(try await Self.promptLogits(backend, target))
        }
        // Histories: each target after every other target, after itself, and after an answer
        // generated to it.
        for (index, target) in targets.enumerated() {
            for (other, previous) in targets.enumerated() {
                _ = try await Self.promptLogits(backend, previous)
                let warm = try await Self.promptLogits(backend, target)
                #expect(Self.largestDifference(warm, cold[index]) == 0, "target \(index) after target \(other)")
            }
            _ = try await backend.generate(
                GenerationRequest(prompt: target, settings: GenerationSettings(maxTokens: 8)))
            let warm = try await Self.promptLogits(backend, target)
            #expect(Self.largestDifference(warm, cold[index]) == 0, "target \(index) after its own answer")
        }
    }

    @Test func timingsAndCountsAreReported() async throws {
        let result = try await backend.generate(
            GenerationRequest(prompt: .chat([.user("Say hello.")]), settings: GenerationSettings(maxTokens: 16)))
        #expect(result.promptTokens > 5)
        #expect(result.generationSeconds > 0)
        #expect(result.promptSeconds >= 0)
    }
}

@Suite("llama.cpp bad input")
struct LlamaBadInputTests {
    @Test func missingModelFile() throws {
        let error = #expect(throws: ProctorError.self) {
            try LlamaModel(path: "/nonexistent/model.gguf", runtime: SmolLM2.runtime)
        }
        #expect(error == .fileNotFound)
        #expect(error?.description.contains("/nonexistent/model.gguf") == true)
    }

    @Test func fileThatIsNotAGGUF() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-model-\(getpid()).gguf").path
        try Data("this is plain text, not GGUF".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ProctorError.self) { try LlamaModel(path: path, runtime: SmolLM2.runtime) }
        #expect(error == .invalidModelFile)
        #expect(error?.description.contains("GGUF") == true)
    }

    @Test func runtimeNotInstalledNamesTheInstallCommand() throws {
        let runtime = LlamaRuntime(directory: "/nonexistent/proctor-runtime")
        let error = #expect(throws: ProctorError.self) { try runtime.modelPath(local: "smollm2-135m-instruct") }
        #expect(error == .runtimeNotInstalled)
        #expect(error?.description.contains("proctor runtime install") == true)
    }
}

@Suite struct TokenSamplerTests {
    @Test func greedyTakesTheArgmaxAndSamplingFollowsTheDistribution() {
        let logits: [Float] = [0, 2, 1, -1]
        logits.withUnsafeBufferPointer { buffer in
            var greedy = TokenSampler(settings: GenerationSettings(temperature: 0))
            #expect(greedy.sample(buffer) == 1)
            for settings in [
                GenerationSettings(temperature: 1, seed: 3), GenerationSettings(temperature: 1, topK: 3, seed: 3),
            ] {
                var sampler = TokenSampler(settings: settings)
                var counts = [0, 0, 0, 0]
                for _ in 0..<20_000 { counts[Int(sampler.sample(buffer))] += 1 }
                // softmax([0, 2, 1, -1]) = [0.0871, 0.6439, 0.2369, 0.0321]; top-k 3 drops the last.
                let expected: [Double] =
                    settings.topK == 3 ? [0.0900, 0.6652, 0.2447, 0] : [0.0871, 0.6439, 0.2369, 0.0321]
                for index in 0..<4 { #expect(abs(Double(counts[index]) / 20_000 - expected[index]) < 0.012) }
            }
            var nucleus = TokenSampler(settings: GenerationSettings(temperature: 1, topP: 0.6, seed: 1))
            for _ in 0..<100 { #expect(nucleus.sample(buffer) == 1) }
        }
    }
}
