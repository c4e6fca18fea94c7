import Logging
import ProctorCore
import ProctorTesting
import Synchronization
import Testing

@testable import ProctorBench

/// A scorer that prefers short continuations and records every call.
final class FakeScorer: LoglikelihoodBackend {
    let name = "fake-scorer"
    let calls = Mutex<[[LoglikelihoodRequest]]>([])

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        GenerationResult(text: "#### 7", finishReason: .stop, promptTokens: 1, completionTokens: 1)
    }

    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        calls.withLock { $0.append(requests) }
        return requests.map {
            LoglikelihoodResult(logprob: -Double($0.continuation.count), isGreedy: false, tokenCount: 1)
        }
    }

    func rollingLoglikelihood(_ text: String) async throws -> RollingLoglikelihoodResult {
        RollingLoglikelihoodResult(logprob: -Double(text.count), tokenCount: text.count)
    }

    var tokenCounts: EvaluationTokenCounts { EvaluationTokenCounts() }
}

@Suite struct RunnerTests {
    @Test func multipleChoiceRunsInPrefixBatches() async throws {
        let task = try await Fixture.builtIn("mmlu_anatomy")
        let scorer = FakeScorer()
        let samples = try await BenchRunner(backend: scorer, logger: Fixture.logger).run(task)
        #expect(samples.map(\.docID) == [0, 1, 2])
        // Three questions × four choices share one prefix: one call.
        #expect(scorer.calls.withLock { $0.map(\.count) } == [12])
        // All continuations have the same length, so the first choice wins: right for doc 0 only.
        #expect(samples.map { $0.metric("acc") } == [1, 0, 0])
        let small = try await BenchRunner(backend: scorer, maxBatchRequests: 4, logger: Fixture.logger).run(task)
        #expect(small.count == 3)
        #expect(scorer.calls.withLock { $0.count } == 4)
    }

    @Test func generationNeedsNoScorer() async throws {
        let task = try await Fixture.builtIn("gsm8k")
        let backend = ScriptedBackend(maxConcurrency: 2) { request, _ in
            ScriptedBackend.lastUserText(request).contains("Tom has 3 apples") ? "3 + 4 = 7\n#### 7" : "#### 601"
        }
        let samples = try await BenchRunner(backend: backend, logger: Fixture.logger).run(task)
        #expect(samples.map { $0.metric("exact_match,strict-match") } == [1, 0])
        #expect(backend.callCount == 2)
    }

    @Test func loglikelihoodTasksRefuseAGenerationOnlyBackend() async throws {
        let task = try await Fixture.builtIn("piqa")
        let backend = ScriptedBackend { _, _ in "" }
        let error = try await #require(throws: ProctorError.self) {
            try await BenchRunner(backend: backend, logger: Fixture.logger).run(task)
        }
        #expect(error.description.contains("loglikelihoods"))
    }
}
