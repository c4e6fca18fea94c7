import Foundation
import ProctorCore
import Testing

@testable import ProctorLlama

@Suite("Loglikelihood on SmolLM2-135M-Instruct", .serialized)
struct LoglikelihoodTests {
    let backend: LlamaBackend

    init() throws { backend = try SmolLM2.backend.get() }

    /// A fresh engine with nothing cached: every request scored alone, one token at a time.
    func scoreAlone(_ request: LoglikelihoodRequest) throws -> LoglikelihoodResult {
        let engine = backend.engine
        let pair = try engine.tokenizePair(request)
        let fresh = try LlamaEngine(
            model: engine.model, config: LlamaEngineConfig(contextLength: 512, batchSize: 512, sequences: 1))
        var total = 0.0
        var greedy = true
        let inputs = pair.context + pair.continuation.dropLast()
        for (position, token) in inputs.enumerated() {
            try fresh.state.withLock { state in
                try state.context.decode(
                    tokens: [token], positions: [Int32(position)], sequences: [0], wantLogits: [true])
                guard position >= pair.context.count - 1 else { return }
                let target = pair.continuation[position - (pair.context.count - 1)]
                let scored = LogSoftmax.score(try state.context.logits(at: 0), token: Int(target))
                total += scored.logprob
                greedy = greedy && scored.isArgmax
            }
        }
        return LoglikelihoodResult(logprob: total, isGreedy: greedy, tokenCount: pair.continuation.count)
    }

    @Test func sharedContextScoresEqualScoringEachChoiceAlone() async throws {
        let context = "Question: Which planet is closest to the Sun?\nAnswer:"
        // The last two begin with the same tokens, which the engine decodes once for both.
        let choices = [
            " Mercury", " Venus", " the largest gas giant of the solar system", " the largest moon of the solar system",
        ]
        let requests = choices.map { LoglikelihoodRequest(context: context, continuation: $0) }
        let batched = try await backend.loglikelihood(requests)
        #expect(batched.count == choices.count)
        for (request, result) in zip(requests, batched) {
            let alone = try scoreAlone(request)
            #expect(result.tokenCount == alone.tokenCount)
            // Bit for bit: flash attention and small micro-batches make llama.cpp's arithmetic
            // independent of batch composition and KV-cell layout.
            #expect(result.logprob == alone.logprob, "\(request.continuation)")
            #expect(result.isGreedy == alone.isGreedy)
            #expect(result.logprob < 0)
        }
        // The longer, unlikely continuation has a lower log-likelihood than the right answer.
        #expect(batched[2].logprob < batched[0].logprob)
    }

    @Test func trailingContextSpaceMovesIntoTheContinuation() throws {
        let engine = backend.engine
        let spaced = try engine.tokenizePair(LoglikelihoodRequest(context: "The sky is ", continuation: "blue"))
        let plain = try engine.tokenizePair(LoglikelihoodRequest(context: "The sky is", continuation: " blue"))
        #expect(spaced.context == plain.context)
        #expect(spaced.continuation == plain.continuation)
    }

    @Test func greedyContinuationIsReportedGreedy() async throws {
        let context = "The capital of France is"
        let generated = try await backend.generate(
            GenerationRequest(prompt: .text(context), settings: GenerationSettings(maxTokens: 3, temperature: 0)))
        #expect(!generated.text.isEmpty)
        let results = try await backend.loglikelihood([
            LoglikelihoodRequest(context: context, continuation: generated.text),
            LoglikelihoodRequest(context: context, continuation: " banana banana banana"),
        ])
        #expect(results[0].isGreedy)
        #expect(!results[1].isGreedy)
    }

    @Test func sharedPrefixAcrossQuestionsIsEvaluatedOnce() async throws {
        let fewShot = (1...6).map { "Q: What is \($0) plus \($0)?\nA: \($0 + $0)\n\n" }.joined()
        let questions = ["Q: What is 7 plus 7?\nA:", "Q: What is 8 plus 8?\nA:", "Q: What is 9 plus 9?\nA:"]
        let requests = questions.flatMap { question in
            [" 14", " 16", " 18"].map { LoglikelihoodRequest(context: fewShot + question, continuation: $0) }
        }
        let before = backend.tokenCounts
        let results = try await backend.loglikelihood(requests)
        let after = backend.tokenCounts
        let requested = after.requested - before.requested
        let evaluated = after.evaluated - before.evaluated
        #expect(evaluated * 3 < requested, "evaluated \(evaluated) of \(requested)")
        // Scores with the prefix taken from the cache equal, bit for bit, scores from an engine
        // with an empty cache that sees one question at a time.
        for question in 0..<3 {
            let fresh = try LlamaEngine(
                model: backend.engine.model, config: LlamaEngineConfig(contextLength: 512, sequences: 8))
            let alone = try fresh.loglikelihoodBlocking(Array(requests[(question * 3)..<(question * 3 + 3)]))
            for choice in 0..<3 {
                #expect(
                    results[question * 3 + choice].logprob == alone[choice].logprob,
                    "question \(question) choice \(choice)")
            }
        }
    }

    /// A perplexity task and a generation task can share one engine (`proctor run --tasks
    /// wikitext,gsm8k`): the rolling windows left in the cache must not break what follows.
    @Test func generationAndScoringAfterARollingRunWork() async throws {
        _ = try await backend.engine.rollingLoglikelihood("A short text to score, window by window.", window: 8)
        let answer = try await backend.generate(
            GenerationRequest(prompt: .text("The capital of France is"), settings: GenerationSettings(maxTokens: 4)))
        #expect(answer.completionTokens > 0)
        _ = try await backend.engine.rollingLoglikelihood("Another text.", window: 8)
        let scored = try await backend.engine.loglikelihood([
            LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris")
        ])
        #expect(scored.count == 1 && scored[0].logprob < 0)
    }

    @Test func rollingLoglikelihoodScoresEveryTokenOnce() async throws {
        let text = "The quick brown fox jumps over the lazy dog. It was a bright cold day in April."
        let engine = backend.engine
        let tokens = try engine.model.tokenize(text, addSpecial: false, parseSpecial: false)
        let whole = try await engine.rollingLoglikelihood(text)
        #expect(whole.tokenCount == tokens.count)
        #expect(whole.logprob < 0)
        // One window: the same as scoring the text token by token after the beginning-of-sequence token.
        let manual = try scoreTokens(
            engine: engine, inputs: [engine.model.bosToken] + tokens.dropLast(), targets: tokens)
        #expect(abs(whole.logprob - manual) < 1e-3)
        // Short windows see less context, so the text is less likely, but every token still counts once.
        let windowed = try await engine.rollingLoglikelihood(text, window: 6)
        #expect(windowed.tokenCount == tokens.count)
        #expect(windowed.logprob < whole.logprob)
    }

    func scoreTokens(engine: LlamaEngine, inputs: [Int32], targets: [Int32]) throws -> Double {
        let fresh = try LlamaEngine(
            model: engine.model, config: LlamaEngineConfig(contextLength: 512, batchSize: 512, sequences: 1))
        return try fresh.state.withLock { state in
            var total = 0.0
            for (position, token) in inputs.enumerated() {
                try state.context.decode(
                    tokens: [token], positions: [Int32(position)], sequences: [0], wantLogits: [true])
                total += LogSoftmax.score(try state.context.logits(at: 0), token: Int(targets[position])).logprob
            }
            return total
        }
    }
}
