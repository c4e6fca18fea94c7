import Dispatch
import GRDB
import Synchronization

/// Group commit: writes submitted while a transaction is being written wait and then go into
/// the next transaction together, so concurrent requests share one commit instead of paying
/// for one each. A caller resumes only after the transaction holding its write has committed:
/// every write is durable when its call returns.
final class WriteBatcher: Sendable {
    /// A write's result crossing from the writer queue to its caller (only the caller reads it).
    private struct Box: @unchecked Sendable { let value: Any }

    private struct Pending: @unchecked Sendable {
        let work: (Database) throws -> Any
        let continuation: CheckedContinuation<Box, any Error>
    }

    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "proctor.sqlite.writer")
    private let state = Mutex<(pending: [Pending], flushing: Bool)>(([], false))

    init(pool: DatabasePool) { self.pool = pool }

    func write<T>(_ work: @escaping (Database) throws -> T) async throws -> T {
        let box = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Box, any Error>) in
            let lead = state.withLock { state -> Bool in
                state.pending.append(Pending(work: { try work($0) }, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if lead { queue.async { self.flush() } }
        }
        return box.value as! T
    }

    /// One transaction, one savepoint per write: a failing write is rolled back alone.
    private func isolated(_ batch: [Pending]) -> [Result<Box, any Error>] {
        var results: [Result<Box, any Error>] = []
        do {
            try pool.write { db in
                results = batch.map { pending in
                    do {
                        var value: Any = ()
                        try db.inSavepoint {
                            value = try pending.work(db)
                            return .commit
                        }
                        return .success(Box(value: value))
                    } catch {
                        return .failure(error)
                    }
                }
            }
        } catch {
            results = batch.map { _ in .failure(error) }
        }
        return results
    }

    /// Writes batches until none is waiting. Each write's error is its own; the others commit.
    private func flush() {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            var results: [Result<Box, any Error>] = []
            do {
                // Fast path: every write straight into one transaction. Should one fail, the
                // transaction rolls back and the batch is written again with a savepoint per
                // write, so each error stays its own and the others commit.
                try pool.write { db in results = try batch.map { .success(Box(value: try $0.work(db))) } }
            } catch {
                results = isolated(batch)
            }
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        }
    }
}
