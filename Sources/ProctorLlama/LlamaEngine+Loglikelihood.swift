import Foundation
import ProctorCore

/// Loglikelihood scoring (the benchmarks' requests) on the engine's context.
///
/// Requests that share a context (the choices of one question) evaluate the context once:
/// all but its last token go into sequence 0 of the KV cache, then every choice gets its own
/// sequence that shares those cells (`llama_memory_seq_cp`) and decodes the context's last
/// token followed by the choice's tokens, all choices in one batch. Sequence 0 also keeps
/// its tokens between calls, so the next context re-uses the longest common prefix: a
/// few-shot block that many questions start with is evaluated once for all of them.
extension LlamaEngine {
    /// One request split into tokens as lm-eval splits it.
    struct TokenizedPair: Sendable {
        var context: [Int32]
        var continuation: [Int32]
    }

    /// Scores requests off the cooperative pool; results in request order.
    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await perform { try $0.loglikelihoodBlocking(requests) }
    }

    /// Tokens the scored requests held as plain requests, and tokens actually decoded.
    public var scoringTokenCounts: EvaluationTokenCounts { state.withLock { $0.scoring } }

    /// Splits a request into context and continuation tokens the way lm-eval does: trailing
    /// whitespace of the context moves to the continuation, the pair is tokenized whole, and
    /// the continuation is what follows the context's own tokens. An empty context becomes
    /// the beginning-of-sequence token (or end-of-sequence where the model has none).
    func tokenizePair(_ request: LoglikelihoodRequest) throws -> TokenizedPair {
        var context = request.context
        var continuation = request.continuation
        let trimmed = context.reversed().prefix { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }.count
        if trimmed > 0 {
            continuation = String(context.suffix(trimmed)) + continuation
            context = String(context.dropLast(trimmed))
        }
        let whole = try model.tokenize(context + continuation, addSpecial: true, parseSpecial: false)
        var contextTokens = try model.tokenize(context, addSpecial: true, parseSpecial: false)
        let continuationTokens = Array(whole.dropFirst(contextTokens.count))
        if contextTokens.isEmpty { contextTokens = [model.bosToken >= 0 ? model.bosToken : model.eosToken] }
        return TokenizedPair(context: contextTokens, continuation: continuationTokens)
    }

    /// Scores on the calling thread (blocks it).
    public func loglikelihoodBlocking(_ requests: [LoglikelihoodRequest]) throws -> [LoglikelihoodResult] {
        let pairs = try requests.map(tokenizePair)
        var results = [LoglikelihoodResult?](repeating: nil, count: requests.count)
        // Consecutive requests with the same context tokens are scored together.
        var start = 0
        while start < pairs.count {
            var end = start + 1
            while end < pairs.count && pairs[end].context == pairs[start].context { end += 1 }
            let scored = try scoreGroup(Array(pairs[start..<end]))
            for (offset, result) in scored.enumerated() { results[start + offset] = result }
            start = end
        }
        return results.map { $0! }
    }

    /// Scores continuations that share one context.
    private func scoreGroup(_ pairs: [TokenizedPair]) throws -> [LoglikelihoodResult] {
        try state.withLock { state in
            let context = state.context
            let longest = pairs.map(\.continuation.count).max() ?? 0
            // Keep the last `contextLength` tokens, as lm-eval truncates from the left.
            var contextTokens = pairs[0].context
            let room = context.contextLength - longest
            guard room >= 1 else {
                throw ProctorError.invalidArgument(
                    "a continuation of \(longest) tokens does not fit the context of \(context.contextLength)")
            }
            if contextTokens.count > room { contextTokens = Array(contextTokens.suffix(room)) }
            state.scoringCalls += 1
            for pair in pairs { state.scoring.requested += pair.context.count + pair.continuation.count }

            // Sequence 0: the context without its last token.
            let shared = Array(contextTokens.dropLast())
            let last = contextTokens[contextTokens.count - 1]
            let reused = try Self.reusePrefix(&state, shared, evaluateLast: false)
            if reused < shared.count {
                try context.decodeSequence(Array(shared[reused...]), from: reused, wantLastLogits: false)
                state.evaluatedTokens += shared.count - reused
                state.scoring.evaluated += shared.count - reused
            }
            state.reusedTokens += reused
            state.cached = shared

            var results = [LoglikelihoodResult]()
            results.reserveCapacity(pairs.count)
            let lanes = max(1, context.sequences - 1)
            var index = 0
            while index < pairs.count {
                // As many choices as fit one batch and the free sequences.
                var batch: [Int] = []
                var tokens = 0
                while index + batch.count < pairs.count && batch.count < lanes {
                    let size = max(pairs[index + batch.count].continuation.count, 1)
                    if !batch.isEmpty && tokens + size > context.batchSize { break }
                    batch.append(index + batch.count)
                    tokens += size
                }
                results += try scoreBatch(
                    batch.map { pairs[$0].continuation }, after: last, at: shared.count, context: context,
                    state: &state)
                index += batch.count
            }
            return results
        }
    }

    /// Decodes `last` then each continuation but its final token in its own sequence (1...),
    /// all sharing sequence 0's cells, and reads each continuation token's log-probability.
    private func scoreBatch(
        _ continuations: [[Int32]], after last: Int32, at position: Int, context: LlamaContext, state: inout State
    ) throws -> [LoglikelihoodResult] {
        var tokens: [Int32] = []
        var positions: [Int32] = []
        var sequences: [Int32] = []
        var offsets: [Int] = []
        for (lane, continuation) in continuations.enumerated() {
            let sequence = Int32(lane + 1)
            context.removeTokens(sequence: sequence, from: -1)
            if position > 0 { context.copySequence(from: 0, to: sequence, from: 0, to: position) }
            offsets.append(tokens.count)
            let inputs = [last] + continuation.dropLast()
            for (step, token) in inputs.enumerated() {
                tokens.append(token)
                positions.append(Int32(position + step))
                sequences.append(sequence)
            }
        }
        defer {
            for lane in continuations.indices { context.removeTokens(sequence: Int32(lane + 1), from: -1) }
        }
        try context.decode(
            tokens: tokens, positions: positions, sequences: sequences,
            wantLogits: [Bool](repeating: true, count: tokens.count))
        state.evaluatedTokens += tokens.count
        state.scoring.evaluated += tokens.count

        var results: [LoglikelihoodResult] = []
        for (lane, continuation) in continuations.enumerated() {
            var total = 0.0
            var greedy = true
            for (step, token) in continuation.enumerated() {
                let row = try context.logits(at: Int32(offsets[lane] + step))
                let scored = LogSoftmax.score(row, token: Int(token))
                total += scored.logprob
                if !scored.isArgmax { greedy = false }
            }
            results.append(LoglikelihoodResult(logprob: total, isGreedy: greedy, tokenCount: continuation.count))
        }
        return results
    }
}

/// Log-softmax of one logits row at one token, and whether that token is the row's argmax.
enum LogSoftmax {
    static func score(_ row: UnsafeBufferPointer<Float>, token: Int) -> (logprob: Double, isArgmax: Bool) {
        var maximum = -Float.infinity
        var argmax = 0
        for index in row.indices where row[index] > maximum {
            maximum = row[index]
            argmax = index
        }
        var sum: Double = 0
        for value in row { sum += Double(expf(value - maximum)) }
        let logprob = Double(row[token] - maximum) - log(sum)
        return (logprob, argmax == token || row[token] == maximum)
    }
}

extension LlamaEngine {
    /// Log-likelihood of a whole text in windows of at most `window` tokens (default: the
    /// context length), as lm-eval's `loglikelihood_rolling`: the text is tokenized without
    /// special tokens, the first window starts after the beginning-of-sequence token, every
    /// later window is conditioned on the token before it, and the last (short) window on as
    /// many earlier tokens as fill a whole window.
    public func rollingLoglikelihood(_ text: String, window: Int? = nil) async throws -> RollingLoglikelihoodResult {
        try await perform { try $0.rollingLoglikelihoodBlocking(text, window: window) }
    }

    public func rollingLoglikelihoodBlocking(_ text: String, window: Int? = nil) throws -> RollingLoglikelihoodResult {
        let tokens = try model.tokenize(text, addSpecial: false, parseSpecial: false)
        let prefix = model.bosToken >= 0 ? model.bosToken : model.eosToken
        return try state.withLock { state in
            let context = state.context
            let maxLength = max(1, min(window ?? context.contextLength, context.contextLength))
            var total = 0.0
            var predicted = 0
            while predicted < tokens.count {
                let count = min(maxLength, tokens.count - predicted)
                let end = predicted + count
                let inputs: [Int32]
                if predicted == 0 {
                    inputs = [prefix] + tokens[0..<(count - 1)]
                } else {
                    inputs = Array(tokens[max(0, end - maxLength - 1)..<(end - 1)])
                }
                let targets = tokens[predicted..<end]
                state.scoring.requested += inputs.count
                state.cached = []
                context.clearMemory()
                total += try Self.scoreRun(inputs, targets: Array(targets), context: context)
                state.evaluatedTokens += inputs.count
                state.scoring.evaluated += inputs.count
                predicted = end
            }
            return RollingLoglikelihoodResult(logprob: total, tokenCount: tokens.count)
        }
    }

    /// Decodes `inputs` from position 0 of sequence 0 in batches and sums the log-probability
    /// of `targets`, which are predicted by the last `targets.count` inputs.
    private static func scoreRun(_ inputs: [Int32], targets: [Int32], context: LlamaContext) throws -> Double {
        let firstScored = inputs.count - targets.count
        var total = 0.0
        var offset = 0
        while offset < inputs.count {
            let end = min(offset + context.batchSize, inputs.count)
            let want = (offset..<end).map { $0 >= firstScored }
            try context.decode(
                tokens: Array(inputs[offset..<end]), positions: (offset..<end).map { Int32($0) },
                sequences: [Int32](repeating: 0, count: end - offset), wantLogits: want)
            for position in max(offset, firstScored)..<end {
                let row = try context.logits(at: Int32(position - offset))
                total += LogSoftmax.score(row, token: Int(targets[position - firstScored])).logprob
            }
            offset = end
        }
        return total
    }
}
