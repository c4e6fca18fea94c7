import ProctorCore
import ProctorOpenAI
import Testing

@Suite struct RetryPolicyTests {
    @Test func ceilingDoublesUpToCap() {
        let policy = RetryPolicy(maxRetries: 10, backoffBase: 0.5, backoffCap: 20)
        #expect(policy.ceiling(afterRetry: 0) == 0.5)
        #expect(policy.ceiling(afterRetry: 1) == 1)
        #expect(policy.ceiling(afterRetry: 3) == 4)
        #expect(policy.ceiling(afterRetry: 10) == 20)
        #expect(policy.ceiling(afterRetry: 500) == 20)
    }

    @Test func jitterStaysWithinCeiling() {
        let policy = RetryPolicy(backoffBase: 0.5, backoffCap: 20)
        var generator = SplitMix64(seed: 42)
        for retry in 0..<8 {
            for _ in 0..<50 {
                let delay = policy.delay(afterRetry: retry, retryAfter: nil, using: &generator)
                #expect(delay >= 0 && delay <= policy.ceiling(afterRetry: retry))
            }
        }
    }

    @Test func retryAfterRaisesDelayUpToItsCap() {
        let policy = RetryPolicy(backoffBase: 0.01, backoffCap: 0.01, retryAfterCap: 60)
        #expect(policy.delay(afterRetry: 0, retryAfter: 3) == 3)
        #expect(policy.delay(afterRetry: 0, retryAfter: 3600) == 60)
    }

    @Test func parsesRetryAfterSeconds() {
        #expect(RetryPolicy.parseRetryAfter("1") == 1)
        #expect(RetryPolicy.parseRetryAfter(" 2.5 ") == 2.5)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.parseRetryAfter("-1") == nil)
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
    }

    @Test func configFromSpec() throws {
        let config = try #require(OpenAIConfig(spec: try ModelSpec(parsing: "openai:gpt-4o-mini")))
        #expect(config.model == "gpt-4o-mini")
        #expect(config.apiKeyEnv == "OPENAI_API_KEY")
        #expect(OpenAIConfig(spec: .local(name: "gemma3-270m")) == nil)
        #expect(OpenAIConfig(baseURL: "http://h:1/v1///").normalizedBaseURL == "http://h:1/v1")
    }
}
