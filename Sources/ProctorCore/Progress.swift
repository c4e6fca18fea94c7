import Foundation
import Synchronization

/// Receives progress of long work; the CLI prints it with an ETA, tests ignore it.
public protocol ProgressSink: Sendable {
    func update(_ progress: ProgressSnapshot)
}

/// Where one phase of work stands.
public struct ProgressSnapshot: Sendable {
    public var phase: String
    public var done: Int
    public var total: Int
    public var elapsed: Double
    /// Tokens produced so far in this phase, for a throughput figure.
    public var tokens: Int

    public var fraction: Double { total > 0 ? Double(done) / Double(total) : 1 }
    /// Seconds left at the rate so far; nil before the first item completes.
    public var eta: Double? { done > 0 ? elapsed / Double(done) * Double(total - done) : nil }
    public var tokensPerSecond: Double { elapsed > 0 ? Double(tokens) / elapsed : 0 }
}

/// A sink that discards everything.
public struct SilentProgress: ProgressSink {
    public init() {}
    public func update(_ progress: ProgressSnapshot) {}
}

/// Counts completions of one phase and forwards snapshots to a sink. Thread-safe.
public final class ProgressCounter: Sendable {
    private let sink: any ProgressSink
    private let phase: String
    private let total: Int
    private let start = ContinuousClock.now
    private let counts = Mutex((done: 0, tokens: 0))

    public init(sink: any ProgressSink, phase: String, total: Int) {
        self.sink = sink
        self.phase = phase
        self.total = total
        sink.update(ProgressSnapshot(phase: phase, done: 0, total: total, elapsed: 0, tokens: 0))
    }

    public func complete(tokens: Int = 0) {
        let (done, allTokens) = counts.withLock { counts in
            counts.done += 1
            counts.tokens += tokens
            return (counts.done, counts.tokens)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        sink.update(ProgressSnapshot(phase: phase, done: done, total: total, elapsed: seconds, tokens: allTokens))
    }
}

/// Maps `items` through `body` with at most `limit` calls in flight, keeping input order.
public func concurrentMap<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int, _ body: @escaping @Sendable (Int, T) async -> R
) async -> [R] {
    guard !items.isEmpty else { return [] }
    var results = [R?](repeating: nil, count: items.count)
    await withTaskGroup(of: (Int, R).self) { group in
        var next = 0
        for _ in 0..<min(max(limit, 1), items.count) {
            let index = next
            group.addTask { (index, await body(index, items[index])) }
            next += 1
        }
        for await (index, result) in group {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, await body(index, items[index])) }
                next += 1
            }
        }
    }
    return results.map { $0! }
}
