import Foundation
import ProctorCore
import Synchronization

/// Settings of one engine: context size, batch size, threads, parallel sequences.
public struct LlamaEngineConfig: Sendable, Hashable {
    /// `PROCTOR_LLAMA_THREADS`, else the number of cores.
    public static var defaultThreads: Int {
        if let text = ProcessInfo.processInfo.environment["PROCTOR_LLAMA_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    public var contextLength: Int
    public var batchSize: Int
    public var threads: Int
    public var sequences: Int
    /// llama.cpp's flash attention (`PROCTOR_LLAMA_FLASH_ATTN=0` turns it off) and the
    /// micro-batch (`PROCTOR_LLAMA_UBATCH`): together they make scores reproducible. The model's
    /// activations are rounded to 8 bits before every matrix product, so a last-bit difference
    /// anywhere grows into tenths of a nat. Without flash attention, llama.cpp's result for a
    /// token depends on where its cells lie in the KV cache and on the other sequences there;
    /// with it, and with micro-batches below 64 tokens (where the CPU kernel switches to a tiled
    /// path), it depends on nothing but the token's own sequence: grouped, cached and
    /// one-at-a-time scoring all give the same bits.
    public var flashAttention: Bool
    public var microBatch: Int
    /// Loglikelihood scoring puts several questions into one decode until their new tokens
    /// reach this many (`PROCTOR_LLAMA_GROUP`).
    public var groupTokens: Int

    /// `PROCTOR_LLAMA_\(name)` as a positive integer, else `fallback`.
    public static func environment(_ name: String, default fallback: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment["PROCTOR_LLAMA_" + name], let value = Int(text), value > 0
        else { return fallback }
        return value
    }

    public init(
        contextLength: Int = LlamaEngineConfig.environment("CTX", default: 4096),
        batchSize: Int = LlamaEngineConfig.environment("BATCH", default: 512),
        threads: Int = LlamaEngineConfig.defaultThreads,
        sequences: Int = LlamaEngineConfig.environment("SEQUENCES", default: 64),
        microBatch: Int = LlamaEngineConfig.environment("UBATCH", default: 63),
        flashAttention: Bool = (ProcessInfo.processInfo.environment["PROCTOR_LLAMA_FLASH_ATTN"] ?? "1") != "0",
        groupTokens: Int = LlamaEngineConfig.environment("GROUP", default: 256)
    ) {
        self.groupTokens = groupTokens
        self.flashAttention = flashAttention
        self.microBatch = microBatch
        self.contextLength = contextLength
        self.batchSize = batchSize
        self.threads = threads
        self.sequences = sequences
    }
}

/// The in-process llama.cpp engine: one model and one context behind a lock.
///
/// Inference is long, blocking CPU work, so the async entry points run it on the engine's
/// own serial dispatch queue, never on Swift's cooperative thread pool (which has only as
/// many threads as cores and would starve every other task, HTTP calls included).
///
/// Generation keeps the tokens of the last request in sequence 0 of the KV cache and reuses
/// their longest common prefix with the next prompt, so a shared preamble (a system prompt,
/// the Alpaca header, few-shot examples) is evaluated once. Loglikelihood scoring (the
/// benchmarks) builds on the same context with `LlamaContext.copySequence`.
public final class LlamaEngine: Sendable {
    public let model: LlamaModel
    public let config: LlamaEngineConfig
    let state: Mutex<State>
    private let queue: DispatchQueue

    struct State: ~Copyable {
        let context: LlamaContext
        /// Tokens whose keys and values sit in sequence 0, in order from position 0.
        var cached: [Int32] = []
        /// How many leading `cached` tokens a generation prompt evaluated in the aligned layout
        /// (see `evaluatePrompt`): only these may be reused by the next generation.
        var alignedTokens = 0
        var evaluatedTokens = 0
        var reusedTokens = 0
        var generations = 0
        /// Loglikelihood scoring: tokens the plain requests hold, and tokens decoded for them.
        var scoring = EvaluationTokenCounts()
        var scoringCalls = 0
    }

    public init(model: LlamaModel, config: LlamaEngineConfig = LlamaEngineConfig()) throws {
        self.model = model
        self.config = config
        let length = min(config.contextLength, max(model.trainingContextLength, 512))
        let context = try LlamaContext(
            model: model, contextLength: length, batchSize: config.batchSize, microBatch: config.microBatch,
            sequences: min(config.sequences, 64),
            threads: config.threads, flashAttention: config.flashAttention)
        state = Mutex(State(context: context))
        queue = DispatchQueue(label: "proctor.llama.engine", qos: .userInitiated)
    }

    /// Runs blocking engine work on the engine's queue and resumes the caller when it is done.
    public func perform<T: Sendable>(_ work: @escaping @Sendable (LlamaEngine) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work(self) }) }
        }
    }

    /// Generates off the cooperative pool; see `generateBlocking(_:)`.
    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        try await perform { try $0.generateBlocking(request) }
    }

    public var contextLength: Int { state.withLock { $0.context.contextLength } }

    /// Generation calls served since creation.
    public var generationCount: Int { state.withLock { $0.generations } }

    /// Prompt tokens evaluated and prompt tokens served from the cache, since creation.
    public var tokenCounts: (evaluated: Int, reused: Int) {
        state.withLock { ($0.evaluatedTokens, $0.reusedTokens) }
    }

    /// The exact text the model sees for a prompt.
    public func render(_ prompt: Prompt) throws -> String {
        switch prompt {
        case .text(let text): return text
        case .chat(let messages):
            // A conversation that ends with an assistant message asks the model to continue
            // that message (prefill), not to start a new one.
            if let last = messages.last, last.role == .assistant, messages.count > 1 {
                return try model.applyChatTemplate(Array(messages.dropLast()), addAssistant: true) + last.content
            }
            return try model.applyChatTemplate(messages, addAssistant: true)
        }
    }

    /// Prompt token ids, with BOS added once where the model wants it.
    public func tokens(for prompt: Prompt) throws -> [Int32] {
        switch prompt {
        case .text(let text):
            return try model.tokenize(text, addSpecial: true, parseSpecial: false)
        case .chat:
            var tokens = try model.tokenize(try render(prompt), addSpecial: true, parseSpecial: true)
            if tokens.count >= 2 && tokens[0] == model.bosToken && tokens[1] == model.bosToken {
                tokens.removeFirst()
            }
            return tokens
        }
    }

    /// Generates on the calling thread (blocks it for the whole generation).
    public func generateBlocking(_ request: GenerationRequest) throws -> GenerationResult {
        let promptTokens = try tokens(for: request.prompt)
        guard !promptTokens.isEmpty else { throw ProctorError.invalidArgument("empty prompt") }
        let settings = request.settings
        return try state.withLock { state in
            let context = state.context
            guard promptTokens.count + settings.maxTokens <= context.contextLength else {
                throw ProctorError.invalidArgument(
                    "prompt of \(promptTokens.count) tokens plus \(settings.maxTokens) new tokens exceeds the "
                        + "context of \(context.contextLength)")
            }
            state.generations += 1
            let clock = ContinuousClock()
            let promptStart = clock.now
            let reused = try evaluatePrompt(&state, promptTokens)
            let promptDuration = promptStart.duration(to: clock.now)

            let genStart = clock.now
            var sampler = TokenSampler(settings: settings)
            var bytes: [UInt8] = []
            var generated = 0
            var finish = FinishReason.length
            var text = ""
            while generated < settings.maxTokens {
                let token = sampler.sample(try context.logits(at: -1))
                if model.isEndOfGeneration(token) {
                    finish = .stop
                    break
                }
                generated += 1
                bytes += model.pieceBytes(token)
                if !settings.stop.isEmpty {
                    text = String(decoding: bytes, as: UTF8.self)
                    if let cut = Self.earliestStop(in: text, stops: settings.stop) {
                        text = String(text[..<cut])
                        finish = .stop
                        break
                    }
                }
                if generated == settings.maxTokens { break }
                try context.decodeSequence([token], from: state.cached.count)
                state.cached.append(token)
            }
            if finish == .length || settings.stop.isEmpty || text.isEmpty && bytes.isEmpty {
                text = String(decoding: bytes, as: UTF8.self)
                if let cut = Self.earliestStop(in: text, stops: settings.stop) { text = String(text[..<cut]) }
            }
            let genDuration = genStart.duration(to: clock.now)
            return GenerationResult(
                text: text, finishReason: finish, promptTokens: promptTokens.count, completionTokens: generated,
                promptSeconds: Self.seconds(promptDuration), generationSeconds: Self.seconds(genDuration),
                cachedPromptTokens: reused)
        }
    }

    /// Evaluates a generation prompt so that its logits do not depend on what ran before.
    ///
    /// llama.cpp's CPU kernels give a token slightly different numbers depending on where it
    /// sits in its micro-batch and how large that is (K-quant matrix products treat rows past
    /// the last full group differently; a single token takes another path), and on Gemma-3 the
    /// final logits of one prompt moved by up to 0.96 with what the engine had evaluated
    /// before, enough to flip a greedy answer. So every prompt is evaluated in micro-batches
    /// whose boundaries sit at fixed multiples of the micro-batch size from position 0, and only
    /// whole micro-batches of an earlier prompt are reused (never tokens an answer generated one
    /// by one): the computation is the one a cold cache does, bit for bit. Returns how many
    /// prompt tokens came from the cache.
    func evaluatePrompt(_ state: inout State, _ promptTokens: [Int32]) throws -> Int {
        let unit = max(1, min(config.microBatch, state.context.batchSize))
        var common = 0
        let limit = min(state.alignedTokens, state.cached.count, promptTokens.count - 1)
        while common < limit && state.cached[common] == promptTokens[common] { common += 1 }
        common = Self.truncate(&state, at: common - common % unit)
        state.alignedTokens = common  // what stays valid should a decode below fail
        var start = common
        while start < promptTokens.count {
            let end = min(start + unit, promptTokens.count)
            var want = [Bool](repeating: false, count: end - start)
            if end == promptTokens.count { want[want.count - 1] = true }
            try state.context.decode(
                tokens: Array(promptTokens[start..<end]), positions: (start..<end).map { Int32($0) },
                sequences: [Int32](repeating: 0, count: end - start), wantLogits: want)
            start = end
        }
        state.cached = promptTokens
        state.alignedTokens = promptTokens.count
        state.evaluatedTokens += promptTokens.count - common
        state.reusedTokens += common
        return common
    }

    /// Keeps the longest prefix of the cached tokens that the new prompt shares (at least one
    /// prompt token is always evaluated, for its logits) and drops the rest from the cache.
    static func reusePrefix(_ state: inout State, _ prompt: [Int32], evaluateLast: Bool = true) throws -> Int {
        var common = 0
        let limit = min(state.cached.count, evaluateLast ? prompt.count - 1 : prompt.count)
        while common < limit && state.cached[common] == prompt[common] { common += 1 }
        return truncate(&state, at: common)
    }

    /// Drops sequence 0 from `position` on, whether `cached` lists those tokens or not (a
    /// rolling scoring run leaves its last window there with `cached` empty). Returns where the
    /// cache now ends: `position`, or 0 when the cache could only be cleared whole.
    static func truncate(_ state: inout State, at position: Int) -> Int {
        var kept = position
        if !state.context.removeTokens(sequence: 0, from: kept) {
            state.context.clearMemory()
            kept = 0
        }
        state.cached.removeSubrange(min(kept, state.cached.count)...)
        return kept
    }

    static func earliestStop(in text: String, stops: [String]) -> String.Index? {
        stops.compactMap { $0.isEmpty ? nil : text.range(of: $0)?.lowerBound }.min()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
