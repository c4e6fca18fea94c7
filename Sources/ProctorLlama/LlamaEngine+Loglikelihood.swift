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
        // Consecutive requests with the same context tokens form one question.
        var questions: [[TokenizedPair]] = []
        for pair in pairs {
            if let last = questions.last?.first, last.context == pair.context {
                questions[questions.count - 1].append(pair)
            } else {
                questions.append([pair])
            }
        }
        // Several questions per decode: larger batches keep llama.cpp's matrix kernels busy.
        var results: [LoglikelihoodResult] = []
        results.reserveCapacity(pairs.count)
        var index = 0
        let lanes = max(2, config.sequences)
        while index < questions.count {
            var group: [[TokenizedPair]] = []
            var sequencesUsed = 1
            var choiceTokens = 0
            while index + group.count < questions.count {
                let question = questions[index + group.count]
                let tokens = question.reduce(0) { $0 + max($1.continuation.count, 1) }
                let needed = 1 + question.count
                if !group.isEmpty
                    && (sequencesUsed + needed > lanes || choiceTokens + tokens > config.batchSize)
                {
                    break
                }
                if group.isEmpty && sequencesUsed + needed > lanes {
                    throw ProctorError.invalidArgument(
                        "a question with \(question.count) choices needs more than the engine's \(lanes) sequences")
                }
                group.append(question)
                sequencesUsed += needed
                choiceTokens += tokens
            }
            results += try scoreQuestions(group).flatMap { $0 }
            index += group.count
        }
        return results
    }

    /// Scores a group of questions. Sequence 0 holds the prefix all their contexts share (kept
    /// between calls: the next group re-uses what matches); each question's context continues
    /// in its own sequence, and each choice in its own sequence copied from its question's.
    private func scoreQuestions(_ questions: [[TokenizedPair]]) throws -> [[LoglikelihoodResult]] {
        try state.withLock { state in
            let context = state.context
            var contexts: [[Int32]] = []
            for question in questions {
                let longest = question.map(\.continuation.count).max() ?? 0
                let room = context.contextLength - longest
                guard room >= 1 else {
                    throw ProctorError.invalidArgument(
                        "a continuation of \(longest) tokens does not fit the context of \(context.contextLength)")
                }
                // Keep the last tokens that fit, as lm-eval truncates from the left.
                let tokens = question[0].context
                contexts.append(tokens.count > room ? Array(tokens.suffix(room)) : tokens)
                for pair in question { state.scoring.requested += pair.context.count + pair.continuation.count }
            }
            state.scoringCalls += 1

            // Sequence 0: the longest prefix every context (but its last token) shares.
            var shared = Array(contexts[0].dropLast())
            for tokens in contexts.dropFirst() {
                var common = 0
                while common < shared.count && common < tokens.count - 1 && shared[common] == tokens[common] {
                    common += 1
                }
                shared.removeSubrange(common...)
            }
            let reused = try Self.reusePrefix(&state, shared, evaluateLast: false)
            if reused < shared.count {
                try context.decodeSequence(Array(shared[reused...]), from: reused, wantLastLogits: false)
                state.evaluatedTokens += shared.count - reused
                state.scoring.evaluated += shared.count - reused
            }
            state.reusedTokens += reused
            state.cached = shared
            var used: [Int32] = []
            defer { for sequence in used { context.removeTokens(sequence: sequence, from: -1) } }

            // Each question's own context tokens (all but the last) in its own sequence.
            var batch = ScoringBatch()
            var contextSequences: [Int32] = []
            for (question, tokens) in contexts.enumerated() {
                let sequence = Int32(1 + question)
                used.append(sequence)
                contextSequences.append(sequence)
                context.removeTokens(sequence: sequence, from: -1)
                if !shared.isEmpty { context.copySequence(from: 0, to: sequence, from: 0, to: shared.count) }
                for position in shared.count..<(tokens.count - 1) {
                    batch.add(tokens[position], at: position, in: sequence, target: nil)
                }
            }
            _ = try batch.decode(context)
            state.evaluatedTokens += batch.count
            state.scoring.evaluated += batch.count

            // Every choice of every question: the context's last token, then the choice's tokens.
            batch = ScoringBatch()
            var next = Int32(1 + contexts.count)
            var spans: [[Range<Int>]] = []
            for (question, tokens) in contexts.enumerated() {
                var questionSpans: [Range<Int>] = []
                for pair in questions[question] {
                    let sequence = next
                    next += 1
                    used.append(sequence)
                    context.removeTokens(sequence: sequence, from: -1)
                    context.copySequence(from: contextSequences[question], to: sequence, from: 0, to: tokens.count - 1)
                    let start = batch.count
                    let inputs = [tokens[tokens.count - 1]] + pair.continuation.dropLast()
                    for (step, token) in inputs.enumerated() {
                        let target = step < pair.continuation.count ? pair.continuation[step] : nil
                        batch.add(token, at: tokens.count - 1 + step, in: sequence, target: target)
                    }
                    questionSpans.append(start..<(start + pair.continuation.count))
                }
                spans.append(questionSpans)
            }
            let scored = try batch.decode(context)
            state.evaluatedTokens += batch.count
            state.scoring.evaluated += batch.count
            return zip(questions, spans).map { question, questionSpans in
                zip(question, questionSpans).map { pair, span in
                    var total = 0.0
                    var greedy = true
                    for index in span {
                        guard let value = scored[index] else { continue }
                        total += value.logprob
                        greedy = greedy && value.isArgmax
                    }
                    return LoglikelihoodResult(logprob: total, isGreedy: greedy, tokenCount: pair.continuation.count)
                }
            }
        }
    }
}

/// Tokens for one or more decode calls (split at the batch size), with the token whose
/// log-probability each position's logits should give.
struct ScoringBatch {
    var tokens: [Int32] = []
    var positions: [Int32] = []
    var sequences: [Int32] = []
    var targets: [Int32?] = []

    var count: Int { tokens.count }

    mutating func add(_ token: Int32, at position: Int, in sequence: Int32, target: Int32?) {
        tokens.append(token)
        positions.append(Int32(position))
        sequences.append(sequence)
        targets.append(target)
    }

    /// Decodes in chunks of the context's batch size; returns, per token with a target, the
    /// target's log-probability and whether it was the most likely token.
    func decode(_ context: LlamaContext) throws -> [(logprob: Double, isArgmax: Bool)?] {
        var scored = [(logprob: Double, isArgmax: Bool)?](repeating: nil, count: tokens.count)
        var offset = 0
        while offset < tokens.count {
            let end = min(offset + context.batchSize, tokens.count)
            try context.decode(
                tokens: Array(tokens[offset..<end]), positions: Array(positions[offset..<end]),
                sequences: Array(sequences[offset..<end]), wantLogits: targets[offset..<end].map { $0 != nil })
            for index in offset..<end {
                guard let target = targets[index] else { continue }
                scored[index] = LogSoftmax.score(try context.logits(at: Int32(index - offset)), token: Int(target))
            }
            offset = end
        }
        return scored
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
            for position in max(offset, firstScored)..<max(end, max(offset, firstScored)) {
                let row = try context.logits(at: Int32(position - offset))
                total += LogSoftmax.score(row, token: Int(targets[position - firstScored])).logprob
            }
            offset = end
        }
        return total
    }
}
