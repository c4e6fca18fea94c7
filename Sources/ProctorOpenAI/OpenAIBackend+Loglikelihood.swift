import Foundation
import ProctorCore

/// What the prompt-logprob conformance probe found.
public struct ProbeVerdict: Sendable, Hashable {
    public var passed: Bool
    /// Why the server failed, or what was checked when it passed.
    public var detail: String
}

/// Loglikelihood over HTTP: `/completions` with `echo` and `logprobs` (the legacy layout), or
/// vLLM's `prompt_logprobs`. Before the first score the server must pass a conformance probe:
/// it returns prompt log-probabilities, each echoed token's log-probability equals its own entry
/// in `top_logprobs`, and the echoed distribution at a position matches a one-token generation
/// from the prompt cut there. A server that fails is refused, never scored at chance.
extension OpenAIBackend: LoglikelihoodBackend {
    static let probeText = "The capital of France is Paris, and the capital of Italy is Rome."

    public var tokenCounts: EvaluationTokenCounts { scoredTokens.withLock { $0 } }

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await requireConformance()
        return try await withThrowingTaskGroup(of: (Int, LoglikelihoodResult).self) { group in
            var results = [LoglikelihoodResult?](repeating: nil, count: requests.count)
            var next = 0
            func add() {
                let index = next
                let request = requests[index]
                group.addTask { (index, try await self.scoreOne(request)) }
                next += 1
            }
            while next < min(requests.count, maxConcurrency) { add() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < requests.count { add() }
            }
            return results.map { $0! }
        }
    }

    public func rollingLoglikelihood(_ text: String) async throws -> RollingLoglikelihoodResult {
        try await requireConformance()
        let prompt = try await promptTokens(text)
        // The server cannot be asked for the first token's probability without a prefix token.
        let scored = prompt.logprobs.compactMap { $0 }
        return RollingLoglikelihoodResult(logprob: scored.reduce(0, +), tokenCount: scored.count)
    }

    /// Runs the conformance probe once per backend and throws while the server fails it.
    public func requireConformance() async throws {
        let verdict: ProbeVerdict
        if let known = probeVerdict.withLock({ $0 }) {
            verdict = known
        } else {
            verdict = try await probe()
            probeVerdict.withLock { $0 = verdict }
        }
        guard verdict.passed else { throw ProctorError.nonConformingServer(url: baseURL, detail: verdict.detail) }
    }

    /// Checks that the server's prompt log-probabilities can be trusted.
    public func probe() async throws -> ProbeVerdict {
        let echoed = try await promptTokens(Self.probeText, top: 5)
        guard echoed.texts.count >= 4 else {
            return ProbeVerdict(passed: false, detail: "it echoed \(echoed.texts.count) prompt tokens for a sentence")
        }
        guard echoed.logprobs.dropFirst().allSatisfy({ $0 != nil }) else {
            return ProbeVerdict(passed: false, detail: "it returns no log-probabilities for prompt tokens (echo)")
        }
        var compared = 0
        for index in 1..<echoed.texts.count {
            guard let top = echoed.topLogprobs[index], let own = top[echoed.texts[index]],
                let logprob = echoed.logprobs[index]
            else { continue }
            compared += 1
            if abs(own - logprob) > 1e-3 {
                return ProbeVerdict(
                    passed: false,
                    detail: "token \(index) (\(quoted(echoed.texts[index]))) has token_logprob "
                        + "\(format(logprob)) but \(format(own)) in its own top_logprobs: the echoed "
                        + "log-probabilities are misaligned with their tokens")
            }
        }
        guard compared > 0 else {
            return ProbeVerdict(passed: false, detail: "no echoed token appears in its own top_logprobs")
        }
        // The distribution at a middle position against a one-token generation cut there.
        let position = echoed.texts.count / 2
        let prefix = String(String.UnicodeScalarView(Self.probeText.unicodeScalars.prefix(echoed.offsets[position])))
        let generated = try await nextTokenDistribution(prefix)
        guard let echoedTop = echoed.topLogprobs[position], let best = echoedTop.max(by: { $0.value < $1.value }),
            let generatedBest = generated.max(by: { $0.value < $1.value })
        else {
            return ProbeVerdict(passed: false, detail: "no top_logprobs to compare with a one-token generation")
        }
        guard best.key == generatedBest.key, abs(best.value - generatedBest.value) < 0.05 else {
            return ProbeVerdict(
                passed: false,
                detail: "at token \(position) the echoed top token is \(quoted(best.key)) (\(format(best.value))) "
                    + "but a one-token generation from the same prefix gives \(quoted(generatedBest.key)) "
                    + "(\(format(generatedBest.value)))")
        }
        return ProbeVerdict(
            passed: true,
            detail: "\(compared) echoed tokens agree with their top_logprobs; position \(position) agrees with a "
                + "one-token generation")
    }

    private func scoreOne(_ request: LoglikelihoodRequest) async throws -> LoglikelihoodResult {
        var context = request.context
        var continuation = request.continuation
        let trimmed = context.unicodeScalars.reversed().prefix { $0 == " " || $0 == "\n" || $0 == "\t" }.count
        if trimmed > 0 {
            continuation = String(context.unicodeScalars.suffix(trimmed)) + continuation
            context = String(String.UnicodeScalarView(context.unicodeScalars.dropLast(trimmed)))
        }
        let prompt = try await promptTokens(context + continuation, top: 1)
        let boundary = context.unicodeScalars.count
        guard let first = prompt.offsets.firstIndex(where: { $0 >= boundary }), first > 0 else {
            throw ProctorError.malformedResponse(url: baseURL, detail: "no token starts at the continuation")
        }
        var total = 0.0
        var greedy = true
        for index in first..<prompt.texts.count {
            guard let logprob = prompt.logprobs[index] else {
                throw ProctorError.malformedResponse(url: baseURL, detail: "token \(index) has no log-probability")
            }
            total += logprob
            if let top = prompt.topTokens[index], top != prompt.texts[index] { greedy = false }
        }
        let count = prompt.texts.count - first
        scoredTokens.withLock {
            $0.requested += prompt.texts.count
            $0.evaluated += prompt.texts.count
        }
        return LoglikelihoodResult(logprob: total, isGreedy: greedy, tokenCount: count)
    }

    /// The prompt's tokens with their log-probabilities (the generated token dropped).
    func promptTokens(_ text: String, top: Int = 1) async throws -> LogprobWire.PromptTokens {
        let url = baseURL + "/completions"
        let request = LogprobWire.Request(
            model: config.model, prompt: text, maxTokens: 1, temperature: 0, logprobs: top, echo: true,
            promptLogprobs: nil, seed: 0)
        let (body, _) = try await call(.POST, url: url, body: try OpenAIWire.encode(request))
        let response = try decode(LogprobWire.Response.self, from: body, url: url)
        guard let choice = response.choices.first else {
            throw ProctorError.malformedResponse(url: url, detail: "no choices in the answer")
        }
        let length = text.unicodeScalars.count
        if let logprobs = choice.logprobs, let tokens = logprobs.tokens, let values = logprobs.tokenLogprobs,
            let offsets = logprobs.textOffset, tokens.count == values.count, tokens.count == offsets.count
        {
            let count = offsets.firstIndex { $0 >= length } ?? tokens.count
            let tops = logprobs.topLogprobs ?? []
            let topMaps = (0..<count).map { $0 < tops.count ? tops[$0] : nil }
            return LogprobWire.PromptTokens(
                texts: Array(tokens.prefix(count)), offsets: Array(offsets.prefix(count)),
                logprobs: Array(values.prefix(count)),
                topTokens: topMaps.map { $0?.max(by: { $0.value < $1.value })?.key }, topLogprobs: topMaps)
        }
        if let entries = choice.promptLogprobs {
            return Self.fromPromptLogprobs(entries)
        }
        throw ProctorError.nonConformingServer(
            url: url, detail: "the answer to an echo request has neither logprobs.token_logprobs nor prompt_logprobs")
    }

    /// vLLM's layout: per position, the prompt token (any rank) and the top-ranked token.
    static func fromPromptLogprobs(_ entries: [[String: LogprobWire.PromptLogprob]?]) -> LogprobWire.PromptTokens {
        var result = LogprobWire.PromptTokens(texts: [], offsets: [], logprobs: [], topTokens: [], topLogprobs: [])
        var offset = 0
        for entry in entries {
            let values = Array((entry ?? [:]).values)
            let own = values.count == 1 ? values.first : values.first { ($0.rank ?? 1) != 1 } ?? values.first
            let top = values.first { $0.rank == 1 }
            let text = own?.decodedToken ?? ""
            result.texts.append(text)
            result.offsets.append(offset)
            result.logprobs.append(entry == nil ? nil : own?.logprob)
            result.topTokens.append(top?.decodedToken ?? text)
            result.topLogprobs.append(nil)
            offset += text.unicodeScalars.count
        }
        return result
    }

    private func nextTokenDistribution(_ prefix: String) async throws -> [String: Double] {
        let url = baseURL + "/completions"
        let request = LogprobWire.Request(
            model: config.model, prompt: prefix, maxTokens: 1, temperature: 0, logprobs: 5, echo: false,
            promptLogprobs: nil, seed: 0)
        let (body, _) = try await call(.POST, url: url, body: try OpenAIWire.encode(request))
        let response = try decode(LogprobWire.Response.self, from: body, url: url)
        guard let top = response.choices.first?.logprobs?.topLogprobs?.first ?? nil else {
            throw ProctorError.malformedResponse(url: url, detail: "a one-token generation returned no top_logprobs")
        }
        return top
    }

    private func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\n", with: "\\n") + "\"" }
    private func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
