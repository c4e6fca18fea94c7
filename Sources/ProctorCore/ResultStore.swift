import Foundation

/// Where a run stands.
public enum RunStatus: String, Sendable, Hashable, Codable {
    case running, finished, failed
    /// Recorded as running, but no process is working on it: it was killed (never stored;
    /// stores report it when they read a run). `proctor resume RUN` continues it.
    case interrupted
}

/// One evaluation run: what was asked (the full command line and config), by which Proctor,
/// when, and its headline numbers once finished.
public struct RunRecord: Sendable, Hashable, Codable {
    public var id: String
    public var kind: String
    /// The command-line arguments after `proctor`, so `proctor resume` can run it again.
    public var arguments: [String]
    /// The effective configuration as JSON (defaults filled in).
    public var config: String
    public var proctorVersion: String
    public var models: [String]
    public var tasks: [String]
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    /// Headline numbers as JSON, e.g. `{"smollm2": {"mean": 42.4, "scored": 47, "total": 64}}`.
    public var summary: String?

    public init(
        id: String, kind: String, arguments: [String], config: String, proctorVersion: String = Proctor.version,
        models: [String], tasks: [String], status: RunStatus = .running, startedAt: Date = Date(),
        finishedAt: Date? = nil, summary: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.arguments = arguments
        self.config = config
        self.proctorVersion = proctorVersion
        self.models = models
        self.tasks = tasks
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.summary = summary
    }
}

/// A stored model answer, with what the cache needs to serve it again.
public struct StoredResponse: Sendable, Hashable, Codable {
    public var key: String
    public var model: String
    public var request: GenerationRequest
    public var result: GenerationResult
    public var createdAt: Date
    /// The request in canonical JSON when the caller has it already (it made the key from
    /// it), so a store need not encode it again. Not part of the value's identity.
    public var requestJSON: String?

    public init(
        key: String, model: String, request: GenerationRequest, result: GenerationResult, createdAt: Date = Date(),
        requestJSON: String? = nil
    ) {
        self.key = key
        self.model = model
        self.request = request
        self.result = result
        self.createdAt = createdAt
        self.requestJSON = requestJSON
    }

    private enum CodingKeys: String, CodingKey { case key, model, request, result, createdAt }

    public static func == (a: StoredResponse, b: StoredResponse) -> Bool {
        a.key == b.key && a.model == b.model && a.request == b.request && a.result == b.result
            && a.createdAt == b.createdAt
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

/// Cache counters since the store was created.
public struct CacheStatistics: Sendable, Hashable, Codable {
    public var hits: Int
    public var misses: Int
    public var entries: Int

    public init(hits: Int, misses: Int, entries: Int) {
        self.hits = hits
        self.misses = misses
        self.entries = entries
    }
}

/// Durable storage for runs and model answers: SQLite by default, PostgreSQL for teams.
///
/// Every answer is durable once `saveResponse` returns, so a killed run loses nothing and a
/// re-run asks no model the same question twice. `claim` lets several processes share one
/// store without two of them asking the same question at once.
public protocol ResultStore: Sendable {
    /// Where the store lives, for messages (never includes a password).
    var location: String { get }

    /// Inserts the run, or returns the stored one with the same id (a resumed run).
    func beginRun(_ run: RunRecord) async throws -> RunRecord
    func finishRun(id: String, status: RunStatus, summary: String?) async throws
    /// The run with this id, or a `runNotFound` error.
    func run(id: String) async throws -> RunRecord
    /// All runs, newest first.
    func runs() async throws -> [RunRecord]
    func deleteRun(id: String) async throws

    /// The stored answer for a request key.
    func response(forKey key: String) async throws -> StoredResponse?
    /// Counts one cache lookup as a hit or a miss (for `proctor cache stats`).
    func recordLookup(hit: Bool) async throws
    /// Stores an answer and links it to a run (idempotent: a key is stored once).
    func saveResponse(_ response: StoredResponse, runID: String?) async throws
    /// Keys of the answers a run used, in the order it first used them.
    func responseKeys(runID: String) async throws -> [String]

    /// Reserves a request key for this process; false when another live process holds it.
    func claim(key: String, owner: String) async throws -> Bool
    /// The stored answer if there is one (linked to `runID` as `saveResponse` would), else a
    /// claim on the key for this process, else `.busy` (another live process holds it): one
    /// round trip where the store can, the only one a cache hit needs.
    func claimUnanswered(key: String, owner: String, runID: String?) async throws -> ClaimOutcome
    func release(key: String, owner: String) async throws

    /// A value remembered by name (file digests, settings).
    func memo(_ name: String) async throws -> String?
    func setMemo(_ name: String, value: String) async throws

    func cacheStatistics() async throws -> CacheStatistics

    /// Stores an answer and drops this owner's claim on it, in one step where the store can.
    func saveResponse(_ response: StoredResponse, runID: String?, releasingClaimOf owner: String) async throws

    /// Per-item results of a run (annotated entries, per-sample records) as JSON, grouped
    /// (by model, task); saving the same group and index again replaces the record.
    func saveRecords(runID: String, group: String, records: [(index: Int, json: String)]) async throws
    func records(runID: String) async throws -> [(group: String, index: Int, json: String)]
}

/// What `claimUnanswered` found.
public enum ClaimOutcome: Sendable {
    case answered(GenerationResult)
    case claimed
    case busy
}

extension ResultStore {
    public func claimUnanswered(key: String, owner: String, runID: String?) async throws -> ClaimOutcome {
        let claimed = try await claim(key: key, owner: owner)
        if let stored = try await response(forKey: key) {
            if claimed { try await release(key: key, owner: owner) }
            try await saveResponse(stored, runID: runID)
            return .answered(stored.result)
        }
        return claimed ? .claimed : .busy
    }

    public func saveResponse(_ response: StoredResponse, runID: String?, releasingClaimOf owner: String) async throws {
        try await saveResponse(response, runID: runID)
        try await release(key: response.key, owner: owner)
    }
}

/// Build information.
public enum Proctor {
    public static let version = "0.1.0"
}
