import Foundation
import ProctorCore

/// One llama.cpp context: the KV cache and the compute state. Not thread-safe; the engine
/// owns it behind a lock.
final class LlamaContext {
    let model: LlamaModel
    let handle: LlamaLibrary.Handle
    let contextLength: Int
    let batchSize: Int
    /// Sequence ids 0..<sequences may be used.
    let sequences: Int
    private let threadpool: LlamaLibrary.Handle?
    private var library: LlamaLibrary { model.library }

    init(
        model: LlamaModel, contextLength: Int, batchSize: Int, microBatch: Int = 63, sequences: Int, threads: Int,
        flashAttention: Bool = true
    ) throws {
        self.model = model
        guard
            let handle = model.library.contextNew(
                model.handle, Int32(contextLength), Int32(batchSize), Int32(microBatch), Int32(sequences),
                Int32(threads), Int32(threads), flashAttention ? 1 : 0)
        else { throw ProctorError.engineFailure("could not create a context of \(contextLength) tokens") }
        self.handle = handle
        self.sequences = sequences
        // Workers that sleep between computations instead of spinning (see the shim).
        // `PROCTOR_LLAMA_POLL` (0-100) lets workers spin between graph nodes instead.
        let poll = ProcessInfo.processInfo.environment["PROCTOR_LLAMA_POLL"].flatMap { Int32($0) } ?? 0
        threadpool = model.library.threadpoolNew(Int32(threads), poll)
        if let threadpool { model.library.attachThreadpool(handle, threadpool) }
        self.contextLength = Int(model.library.nCtx(handle))
        self.batchSize = Int(model.library.nBatch(handle))
    }

    deinit {
        library.contextFree(handle)
        if let threadpool { library.threadpoolFree(threadpool) }
    }

    /// Decodes tokens at the given positions of the given sequences. `wantLogits[i]` keeps
    /// the logits of token i; they are read with `logits(at:)` by their index in this call.
    func decode(tokens: [Int32], positions: [Int32], sequences: [Int32], wantLogits: [Bool]) throws {
        try decode(
            tokens: tokens, positions: positions, sequenceSets: sequences.map { UInt64(1) << UInt64($0) },
            wantLogits: wantLogits)
    }

    /// As `decode(tokens:positions:sequences:wantLogits:)`, with each token in every sequence
    /// whose bit is set in its `sequenceSets` entry (sequences 0-63): a token several sequences
    /// share is decoded once and its cell serves all of them.
    func decode(tokens: [Int32], positions: [Int32], sequenceSets: [UInt64], wantLogits: [Bool]) throws {
        precondition(tokens.count == positions.count && tokens.count == sequenceSets.count)
        guard !tokens.isEmpty else { return }
        let flags = wantLogits.map { Int8($0 ? 1 : 0) }
        let status = library.decode(handle, tokens, positions, sequenceSets, flags, Int32(tokens.count))
        guard status == 0 else {
            throw ProctorError.engineFailure(
                status == 1
                    ? "no room in the KV cache (context of \(contextLength) tokens is full)"
                    : "llama_decode failed with status \(status)")
        }
    }

    /// Decodes a run of tokens of one sequence starting at `start`, in batches, keeping the
    /// logits of the last token only (read with `logits(at: -1)`) unless `wantLastLogits` is false.
    func decodeSequence(_ tokens: [Int32], from start: Int, sequence: Int32 = 0, wantLastLogits: Bool = true) throws {
        var offset = 0
        while offset < tokens.count {
            let end = min(offset + batchSize, tokens.count)
            let chunk = Array(tokens[offset..<end])
            let positions = (offset..<end).map { Int32(start + $0) }
            var want = [Bool](repeating: false, count: chunk.count)
            if end == tokens.count && wantLastLogits { want[chunk.count - 1] = true }
            try decode(
                tokens: chunk, positions: positions, sequences: [Int32](repeating: sequence, count: chunk.count),
                wantLogits: want)
            offset = end
        }
    }

    /// The logits kept for token `index` of the last decode call (-1: the last one kept).
    func logits(at index: Int32) throws -> UnsafeBufferPointer<Float> {
        guard let pointer = library.logitsIth(handle, index) else {
            throw ProctorError.engineFailure("no logits kept for batch index \(index)")
        }
        return UnsafeBufferPointer(start: pointer, count: model.vocabularySize)
    }

    func clearMemory() { library.memoryClear(handle) }

    /// Drops positions [from, to) of a sequence (`to` < 0: to the end). False when the cache
    /// cannot drop part of a sequence (then clear the whole sequence instead).
    @discardableResult
    func removeTokens(sequence: Int32, from: Int, to: Int = -1) -> Bool {
        library.memorySeqRm(handle, sequence, Int32(from), Int32(to)) != 0
    }

    /// Shares positions [from, to) of one sequence's cache with another sequence.
    func copySequence(from source: Int32, to destination: Int32, from start: Int = -1, to end: Int = -1) {
        library.memorySeqCp(handle, source, destination, Int32(start), Int32(end))
    }

    func maxPosition(sequence: Int32) -> Int { Int(library.memorySeqPosMax(handle, sequence)) }
}
