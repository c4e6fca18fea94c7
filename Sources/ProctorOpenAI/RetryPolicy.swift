import Foundation

/// When and how long to wait before trying a failed call again: exponential backoff with
/// full jitter, or the server's `Retry-After` when it asks for longer.
public struct RetryPolicy: Sendable, Hashable {
    /// Further attempts after the first.
    public var maxRetries: Int
    /// Backoff ceiling before the first retry, in seconds.
    public var backoffBase: Double
    /// Largest backoff ceiling, in seconds.
    public var backoffCap: Double
    /// Largest `Retry-After` honoured, in seconds.
    public var retryAfterCap: Double

    public init(maxRetries: Int = 4, backoffBase: Double = 0.5, backoffCap: Double = 20, retryAfterCap: Double = 60) {
        self.maxRetries = max(0, maxRetries)
        self.backoffBase = max(0, backoffBase)
        self.backoffCap = max(0, backoffCap)
        self.retryAfterCap = max(0, retryAfterCap)
    }

    /// The backoff ceiling before retry number `retry + 1` (0-based): `min(cap, base * 2^retry)`.
    public func ceiling(afterRetry retry: Int) -> Double {
        let doubling = Double(sign: .plus, exponent: min(max(retry, 0), 62), significand: 1)
        return min(backoffCap, backoffBase * doubling)
    }

    /// Seconds to wait before the next attempt: a uniform draw in `[0, ceiling]` (full jitter),
    /// raised to the server's `Retry-After` (capped at `retryAfterCap`) when one was given.
    public func delay<G: RandomNumberGenerator>(
        afterRetry retry: Int, retryAfter: Double?, using generator: inout G
    ) -> Double {
        let ceiling = ceiling(afterRetry: retry)
        let jittered = ceiling > 0 ? Double.random(in: 0...ceiling, using: &generator) : 0
        guard let retryAfter, retryAfter > 0 else { return jittered }
        return max(jittered, min(retryAfter, retryAfterCap))
    }

    public func delay(afterRetry retry: Int, retryAfter: Double?) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(afterRetry: retry, retryAfter: retryAfter, using: &generator)
    }

    /// Reads a `Retry-After` header in its seconds form (`"3"`, `"1.5"`); nil for anything else.
    public static func parseRetryAfter(_ value: String?) -> Double? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespaces), let seconds = Double(trimmed),
            seconds.isFinite, seconds >= 0
        else { return nil }
        return seconds
    }
}
