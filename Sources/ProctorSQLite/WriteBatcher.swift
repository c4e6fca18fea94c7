import GRDB
import Synchronization

/// Group commit without a writer thread. The first caller to find no transaction in progress
/// becomes the leader and writes its own work, together with everything queued meanwhile, in
/// one transaction on its own thread; callers that arrive while a transaction is being written
/// wait and go into the next one together. A caller resumes only after the transaction holding
/// its write has committed: every write is durable when its call returns.
///
/// Writing on the caller's thread keeps a write to one mutex and the SQLite work itself: no
/// hop to a queue and back, which on a busy machine costs more than the write. A leader that
/// has written `maxRounds` transactions for others hands the lead to the next waiter, so no
/// caller serves the queue for long.
final class WriteBatcher: Sendable {
    /// A write's result crossing to its caller (only the caller reads it), or the lead.
    private struct Box: @unchecked Sendable { let value: Any }
    private struct Lead {}
    private typealias Work = (Database) throws -> Any

    private struct Pending: @unchecked Sendable {
        let work: Work
        let continuation: CheckedContinuation<Box, any Error>
    }

    private let pool: DatabasePool
    private let state = Mutex<(pending: [Pending], leading: Bool)>(([], false))
    static let maxRounds = 4

    init(pool: DatabasePool) { self.pool = pool }

    func write<T>(_ work: @escaping (Database) throws -> T) async throws -> T {
        let lead = state.withLock { state -> Bool in
            if state.leading { return false }
            state.leading = true
            return true
        }
        if lead {
            // Let the tasks that are ready to run go first: their writes join this transaction
            // (two rounds measured best against an instant server; one cost 10% more there).
            await Task.yield()
            await Task.yield()
            return try self.lead(work)
        }
        let box = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Box, any Error>) in
            let leadNow = state.withLock { state -> Bool in
                if !state.leading {
                    state.leading = true
                    return true
                }
                state.pending.append(Pending(work: { try work($0) }, continuation: continuation))
                return false
            }
            // The leader finished between the two checks: lead from here.
            if leadNow { continuation.resume(returning: Box(value: Lead())) }
        }
        if box.value is Lead { return try self.lead(work) }
        return box.value as! T
    }

    /// Writes `own` with whatever is queued, then keeps writing the queue for a few rounds.
    private func lead<T>(_ own: @escaping (Database) throws -> T) throws -> T {
        var batch = takeQueue()
        var work: [Work] = [{ try own($0) }]
        for pending in batch { work.append(pending.work) }
        let results = commit(work)
        let ownResult = results[0]
        for (pending, result) in zip(batch, results.dropFirst()) {
            pending.continuation.resume(with: result.map { Box(value: $0) })
        }
        var rounds = 1
        while true {
            batch = state.withLock { state -> [Pending] in
                if state.pending.isEmpty {
                    state.leading = false
                    return []
                }
                if rounds >= Self.maxRounds {
                    // Hand the lead (kept set) to the first waiter; it writes the rest.
                    let next = state.pending.removeFirst()
                    next.continuation.resume(returning: Box(value: Lead()))
                    return []
                }
                defer { state.pending = [] }
                return state.pending
            }
            if batch.isEmpty { break }
            let results = commit(batch.map { $0.work })
            for (pending, result) in zip(batch, results) {
                pending.continuation.resume(with: result.map { Box(value: $0) })
            }
            rounds += 1
        }
        return try ownResult.get() as! T
    }

    private func takeQueue() -> [Pending] {
        state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    /// One transaction for the whole batch. Should a write fail, the transaction rolls back and
    /// the batch is written again with a savepoint per write, so each error stays its own and
    /// the others commit.
    private func commit(_ work: [Work]) -> [Result<Any, any Error>] {
        do {
            var values: [Any] = []
            values.reserveCapacity(work.count)
            try pool.write { db in
                values.removeAll(keepingCapacity: true)
                for item in work { values.append(try item(db)) }
            }
            return values.map { .success($0) }
        } catch {
            return isolated(work)
        }
    }

    private func isolated(_ work: [Work]) -> [Result<Any, any Error>] {
        var results: [Result<Any, any Error>] = []
        do {
            try pool.write { db in
                results = work.map { item in
                    do {
                        var value: Any = ()
                        try db.inSavepoint {
                            value = try item(db)
                            return .commit
                        }
                        return .success(value)
                    } catch {
                        return .failure(error)
                    }
                }
            }
        } catch {
            results = work.map { _ in .failure(error) }
        }
        return results
    }
}
