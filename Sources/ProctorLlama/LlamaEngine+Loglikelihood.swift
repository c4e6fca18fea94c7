import Foundation
import ProctorCore

/// Loglikelihood scoring (the benchmarks' requests) on the engine's context.
///
/// Requests that share a context (the choices of one question) evaluate the context once, in
/// a sequence of the KV cache; its last token's logits score every choice's first token, and
/// each choice's further tokens go into a sequence that shares the context's cells
/// (`llama_memory_seq_cp`), tokens that several choices begin with decoded once for all of
/// them. Several questions go into one decode. Sequence 0 keeps the prefix all contexts of a
/// group share between calls, so the next group re-uses the longest common prefix: a few-shot
/// block that many questions start with is evaluated once for all of them.
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
        // Several questions per decode: larger batches keep llama.cpp's matrix kernels busy, but
        // every token attends over all cells in use, so a group stays within `groupTokens`.
        var results: [LoglikelihoodResult] = []
        results.reserveCapacity(pairs.count)
        var index = 0
        let lanes = max(2, min(config.sequences, 64))
        let budget = max(1, config.groupTokens)
        while index < questions.count {
            var group: [[TokenizedPair]] = []
            var sequencesUsed = 1
            var groupTokens = 0
            while index + group.count < questions.count {
                let question = questions[index + group.count]
                let tokens = question[0].context.count + question.reduce(0) { $0 + $1.continuation.count - 1 }
                let needed = 1 + question.filter { $0.continuation.count > 1 }.count
                if !group.isEmpty && (sequencesUsed + needed > lanes || groupTokens + tokens > budget) {
                    break
                }
                if group.isEmpty && sequencesUsed + needed > lanes {
                    throw ProctorError.invalidArgument(
                        "a question with \(question.count) choices needs more than the engine's \(lanes) sequences")
                }
                group.append(question)
                sequencesUsed += needed
                groupTokens += tokens
            }
            results += try scoreQuestions(group).flatMap { $0 }
            index += group.count
        }
        return results
    }

    /// Scores a group of questions. Sequence 0 holds the prefix all their contexts share (kept
    /// between calls: the next group re-uses what matches); each question's context continues
    /// in its own sequence, whose last token's logits score every choice's first token; each
    /// choice's further tokens go into a sequence copied from its question's.
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
            state.alignedTokens = min(state.alignedTokens, reused)
            var used: [Int32] = []
            defer { for sequence in used { context.removeTokens(sequence: sequence, from: -1) } }

            // Each question's own context tokens in its own sequence; the last one's logits
            // give every choice's first token.
            var batch = ScoringBatch()
            var contextSequences: [Int32] = []
            for (question, tokens) in contexts.enumerated() {
                let sequence = Int32(1 + question)
                used.append(sequence)
                contextSequences.append(sequence)
                context.removeTokens(sequence: sequence, from: -1)
                if !shared.isEmpty { context.copySequence(from: 0, to: sequence, from: 0, to: shared.count) }
                for position in shared.count..<(tokens.count - 1) {
                    batch.add(tokens[position], at: position, in: 1 << UInt64(sequence))
                }
                batch.add(
                    tokens[tokens.count - 1], at: tokens.count - 1, in: 1 << UInt64(sequence),
                    targets: questions[question].enumerated().map {
                        ScoringBatch.Target(question, $0, $1.continuation[0])
                    })
            }
            var scores = ScoreSheet(questions)
            try batch.decode(context, into: &scores)
            state.evaluatedTokens += batch.count
            state.scoring.evaluated += batch.count

            // The choices' further tokens. Each choice gets a sequence that shares its question's
            // cells; choices that begin with the same tokens share those tokens' cells too (a
            // token in several sequences is decoded once), so only the differing tails cost.
            batch = ScoringBatch()
            var next = Int32(1 + contexts.count)
            for (question, tokens) in contexts.enumerated() {
                var nodes: [ChoiceNode: Int] = [:]
                for (choice, pair) in questions[question].enumerated() where pair.continuation.count > 1 {
                    let sequence = next
                    next += 1
                    used.append(sequence)
                    context.removeTokens(sequence: sequence, from: -1)
                    context.copySequence(from: contextSequences[question], to: sequence, from: 0, to: tokens.count)
                    var parent = -1
                    for step in 0..<(pair.continuation.count - 1) {
                        let key = ChoiceNode(parent: parent, token: pair.continuation[step])
                        let target = ScoringBatch.Target(question, choice, pair.continuation[step + 1])
                        if let index = nodes[key] {
                            batch.join(index, sequence: sequence, target: target)
                            parent = index
                        } else {
                            batch.add(
                                pair.continuation[step], at: tokens.count + step, in: 1 << UInt64(sequence),
                                targets: [target])
                            parent = batch.count - 1
                            nodes[key] = parent
                        }
                    }
                }
            }
            try batch.decode(context, into: &scores)
            state.evaluatedTokens += batch.count
            state.scoring.evaluated += batch.count
            return scores.results
        }
    }
}

/// A token of a choice's continuation, identified by the token before it (batch index, -1 for
/// the context) and its value: choices that reach the same node share its cell.
private struct ChoiceNode: Hashable {
    var parent: Int
    var token: Int32
}

/// Per choice, the sum of its tokens' log-probabilities and whether each was the argmax.
struct ScoreSheet {
    private var sums: [[Double]]
    private var greedy: [[Bool]]
    private let counts: [[Int]]

    init(_ questions: [[LlamaEngine.TokenizedPair]]) {
        sums = questions.map { [Double](repeating: 0, count: $0.count) }
        greedy = questions.map { [Bool](repeating: true, count: $0.count) }
        counts = questions.map { $0.map(\.continuation.count) }
    }

    mutating func add(question: Int, choice: Int, logprob: Double, isArgmax: Bool) {
        sums[question][choice] += logprob
        greedy[question][choice] = greedy[question][choice] && isArgmax
    }

    var results: [[LoglikelihoodResult]] {
        sums.indices.map { question in
            sums[question].indices.map { choice in
                LoglikelihoodResult(
                    logprob: sums[question][choice], isGreedy: greedy[question][choice],
                    tokenCount: counts[question][choice])
            }
        }
    }
}

/// Tokens for one or more decode calls (split at the batch size); each token belongs to a set
/// of sequences, and the tokens with targets keep their logits to score them.
struct ScoringBatch {
    /// A token whose log-probability a row gives: the `choice` of `question` scores `token`.
    struct Target {
        var question: Int
        var choice: Int
        var token: Int32
        init(_ question: Int, _ choice: Int, _ token: Int32) {
            self.question = question
            self.choice = choice
            self.token = token
        }
    }

    var tokens: [Int32] = []
    var positions: [Int32] = []
    var sequenceSets: [UInt64] = []
    var targets: [[Target]] = []

    var count: Int { tokens.count }

    mutating func add(_ token: Int32, at position: Int, in sequences: UInt64, targets rowTargets: [Target] = []) {
        tokens.append(token)
        positions.append(Int32(position))
        sequenceSets.append(sequences)
        targets.append(rowTargets)
    }

    /// Adds a sequence (and one more target) to a token already in the batch.
    mutating func join(_ index: Int, sequence: Int32, target: Target) {
        sequenceSets[index] |= 1 << UInt64(sequence)
        targets[index].append(target)
    }

    /// Decodes in chunks of the context's batch size and adds every target's log-probability
    /// to the sheet.
    func decode(_ context: LlamaContext, into sheet: inout ScoreSheet) throws {
        var offset = 0
        while offset < tokens.count {
            let end = min(offset + context.batchSize, tokens.count)
            try context.decode(
                tokens: Array(tokens[offset..<end]), positions: Array(positions[offset..<end]),
                sequenceSets: Array(sequenceSets[offset..<end]), wantLogits: targets[offset..<end].map { !$0.isEmpty })
            for index in offset..<end where !targets[index].isEmpty {
                let row = LogSoftmax(try context.logits(at: Int32(index - offset)))
                for target in targets[index] {
                    let (logprob, isArgmax) = row.score(Int(target.token))
                    sheet.add(question: target.question, choice: target.choice, logprob: logprob, isArgmax: isArgmax)
                }
            }
            offset = end
        }
    }
}

/// Log-softmax of one logits row: the row's maximum and log-sum-exp once, then any token.
struct LogSoftmax {
    let row: UnsafeBufferPointer<Float>
    let maximum: Float
    let argmax: Int
    let logSum: Double

    init(_ row: UnsafeBufferPointer<Float>) {
        var maximum = -Float.infinity
        var argmax = 0
        for index in row.indices where row[index] > maximum {
            maximum = row[index]
            argmax = index
        }
        var sum: Double = 0
        for value in row { sum += Double(expf(value - maximum)) }
        self.row = row
        self.maximum = maximum
        self.argmax = argmax
        self.logSum = log(sum)
    }

    /// The token's log-probability and whether it is (one of) the row's most likely.
    func score(_ token: Int) -> (logprob: Double, isArgmax: Bool) {
        (Double(row[token] - maximum) - logSum, argmax == token || row[token] == maximum)
    }

    static func score(_ row: UnsafeBufferPointer<Float>, token: Int) -> (logprob: Double, isArgmax: Bool) {
        LogSoftmax(row).score(token)
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
                state.alignedTokens = 0
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
