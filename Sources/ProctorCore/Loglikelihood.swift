/// The log-probability a model gives `continuation` right after `context` (lm-eval's
/// `loglikelihood` request). Trailing whitespace of the context belongs to the continuation at
/// token boundaries, as in lm-eval; backends apply that rule, callers pass the texts as written.
public struct LoglikelihoodRequest: Sendable, Hashable, Codable {
    public var context: String
    public var continuation: String

    public init(context: String, continuation: String) {
        self.context = context
        self.continuation = continuation
    }
}

/// What a backend computed for one `LoglikelihoodRequest`.
public struct LoglikelihoodResult: Sendable, Hashable, Codable {
    /// Sum of the natural-log probabilities of the continuation's tokens.
    public var logprob: Double
    /// True when greedy decoding from the context would produce exactly the continuation.
    public var isGreedy: Bool
    /// Tokens in the continuation.
    public var tokenCount: Int

    public init(logprob: Double, isGreedy: Bool, tokenCount: Int) {
        self.logprob = logprob
        self.isGreedy = isGreedy
        self.tokenCount = tokenCount
    }
}

/// Log-likelihood of a whole text, computed in windows no longer than the model's context
/// (lm-eval's `loglikelihood_rolling`): every token is scored once, the first one after the
/// beginning-of-sequence token.
public struct RollingLoglikelihoodResult: Sendable, Hashable, Codable {
    public var logprob: Double
    public var tokenCount: Int

    public init(logprob: Double, tokenCount: Int) {
        self.logprob = logprob
        self.tokenCount = tokenCount
    }
}

/// Tokens a batch of loglikelihood requests contains as plain requests against those the
/// backend actually evaluated (prefix sharing makes the second much smaller).
public struct EvaluationTokenCounts: Sendable, Hashable, Codable {
    public var requested: Int
    public var evaluated: Int

    public init(requested: Int = 0, evaluated: Int = 0) {
        self.requested = requested
        self.evaluated = evaluated
    }
}

/// A backend that can score text as well as generate it: the in-process engine, and HTTP
/// servers that pass the prompt-logprob conformance probe.
public protocol LoglikelihoodBackend: ModelBackend {
    /// Scores every request; results come back in request order. Requests that share a
    /// context (the choices of one question) or a prefix (a few-shot block) should be sent in
    /// one call so the backend can evaluate the shared part once.
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult]
    func rollingLoglikelihood(_ text: String) async throws -> RollingLoglikelihoodResult
    /// Token counts since the backend was made.
    var tokenCounts: EvaluationTokenCounts { get }
}
