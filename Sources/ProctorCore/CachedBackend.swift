import Foundation
import Synchronization

/// Counts the calls that reached a real model (cache misses), for reports and tests.
public final class CallCounter: Sendable {
    private let count = Mutex(0)
    public init() {}
    public func increment() { count.withLock { $0 += 1 } }
    public var value: Int { count.withLock { $0 } }
}

/// A `ModelBackend` that answers from the store when it can and stores every new answer the
/// moment it arrives: a re-run (or a resumed run) asks no model the same question twice.
///
/// Keys combine the model's identity with the full request, so two different models never
/// share an entry. Unseeded sampled requests always reach the model. Across processes, a
/// claim on the key keeps two workers from asking the same question at the same time.
public struct CachedBackend: ModelBackend {
    public let base: any ModelBackend
    public let identity: ModelIdentity
    public let store: any ResultStore
    public let runID: String?
    public let owner: String
    /// Calls that reached `base`.
    public let modelCalls: CallCounter
    public var enabled: Bool
    /// `identity.canonical`, made once: every key starts with it.
    private let identityCanonical: String

    public init(
        base: any ModelBackend, identity: ModelIdentity, store: any ResultStore, runID: String?,
        owner: String = CachedBackend.defaultOwner, enabled: Bool = true, modelCalls: CallCounter = CallCounter()
    ) {
        self.base = base
        self.identity = identity
        self.store = store
        self.runID = runID
        self.owner = owner
        self.enabled = enabled
        self.modelCalls = modelCalls
        self.identityCanonical = identity.canonical
    }

    /// This process: host and pid, so a stale claim of a dead process can be recognised.
    public static var defaultOwner: String { ClaimOwner.current }

    public var name: String { base.name }
    public var defaultPromptStyle: PromptStyle { base.defaultPromptStyle }
    /// Twice the callers the base serves at once: while the base works on some requests, the
    /// others' lookups, claims and commits run beside them instead of between two model calls.
    /// The base still caps its own work (the engine's serial queue, the HTTP backend's
    /// per-endpoint semaphore), so no more requests reach the model at once.
    public var maxConcurrency: Int { 2 * max(1, base.maxConcurrency) }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        guard enabled, RequestFingerprint.isReusable(request) else {
            let result = try await callModel(request)
            let key = RequestFingerprint.key(identity: identity, request: request) + "-" + UUID().uuidString
            try await store.saveResponse(
                StoredResponse(key: key, model: identity.name, request: request, result: result), runID: runID)
            return result
        }
        let requestJSON = try CanonicalJSON.encode(request)
        let key = RequestFingerprint.key(identityCanonical: identityCanonical, requestJSON: requestJSON)
        // One round trip: the stored answer (linked to this run), or our claim on the key.
        var first = true
        while true {
            let outcome = try await store.claimUnanswered(key: key, owner: owner, runID: runID)
            if first {
                if case .answered = outcome {
                    try await store.recordLookup(hit: true)
                } else {
                    try await store.recordLookup(hit: false)
                }
                first = false
            }
            switch outcome {
            case .answered(let result):
                return result
            case .busy:
                try await Task.sleep(for: .milliseconds(100))
            case .claimed:
                do {
                    let result = try await callModel(request)
                    try await store.saveResponse(
                        StoredResponse(
                            key: key, model: identity.name, request: request, result: result,
                            requestJSON: requestJSON),
                        runID: runID, releasingClaimOf: owner)
                    return result
                } catch {
                    try? await store.release(key: key, owner: owner)
                    throw error
                }
            }
        }
    }

    private func callModel(_ request: GenerationRequest) async throws -> GenerationResult {
        modelCalls.increment()
        return try await base.generate(request)
    }
}

/// A `ModelBackend` that only counts the calls that pass through it (runs without a store).
public struct CountingBackend: ModelBackend {
    public let base: any ModelBackend
    public let calls: CallCounter

    public init(base: any ModelBackend, calls: CallCounter) {
        self.base = base
        self.calls = calls
    }

    public var name: String { base.name }
    public var defaultPromptStyle: PromptStyle { base.defaultPromptStyle }
    public var maxConcurrency: Int { base.maxConcurrency }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        calls.increment()
        return try await base.generate(request)
    }
}
