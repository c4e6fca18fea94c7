import Logging
import ProctorCore

/// Runs a task's instances against a backend and scores them: loglikelihood instances in
/// prefix-sharing batches (one `loglikelihood` call per batch), generations concurrently up
/// to the backend's `maxConcurrency`, rolling texts one by one. A convenience for callers that
/// need no per-request caching; the CLI may drive the requests itself instead.
public struct BenchRunner: Sendable {
    public var backend: any ModelBackend
    /// Most loglikelihood requests per backend call.
    public var maxBatchRequests: Int
    public var logger: Logger

    public init(backend: any ModelBackend, maxBatchRequests: Int = 64, logger: Logger) {
        self.backend = backend
        self.maxBatchRequests = maxBatchRequests
        self.logger = logger
    }

    /// Scores every instance of `task`; results come back in document order. `progress` gets
    /// (documents done, documents total) after each batch or generation.
    public func run(_ task: BenchTask, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [SampleResult] {
        var samples: [Int: SampleResult] = [:]
        let total = task.instances.count
        switch task.definition.outputType {
        case .multipleChoice, .loglikelihood, .loglikelihoodRolling:
            guard let scorer = backend as? any LoglikelihoodBackend else {
                throw ProctorError.invalidArgument(
                    "task '\(task.name)' needs loglikelihoods, which backend '\(backend.name)' cannot compute "
                        + "(use the local engine or a server that returns prompt logprobs)", field: "model")
            }
            if task.definition.outputType == .loglikelihoodRolling {
                for instance in task.instances {
                    guard case .rolling(let text) = instance.request else { continue }
                    let result = try await scorer.rollingLoglikelihood(text)
                    samples[instance.docID] = try task.score(instance, response: .rolling(result))
                    progress?(samples.count, total)
                }
            } else {
                for batch in BenchInstance.prefixBatches(task.instances, maxRequests: maxBatchRequests) {
                    let requests = batch.flatMap { instance -> [LoglikelihoodRequest] in
                        if case .loglikelihood(let requests) = instance.request { return requests }
                        return []
                    }
                    let results = try await scorer.loglikelihood(requests)
                    guard results.count == requests.count else {
                        throw ProctorError.malformedResponse(
                            url: backend.name, detail: "\(results.count) loglikelihoods for \(requests.count) requests")
                    }
                    var offset = 0
                    for instance in batch {
                        guard case .loglikelihood(let own) = instance.request else { continue }
                        let slice = Array(results[offset..<offset + own.count])
                        offset += own.count
                        samples[instance.docID] = try task.score(instance, response: .loglikelihood(slice))
                    }
                    progress?(samples.count, total)
                }
            }
        case .generateUntil:
            let width = max(1, backend.maxConcurrency)
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func submit() {
                    guard next < task.instances.count else { return }
                    let instance = task.instances[next]
                    next += 1
                    guard case .generation(let request) = instance.request else { return }
                    let backend = self.backend
                    group.addTask { (instance.docID, try await backend.generate(request).text) }
                }
                for _ in 0..<width { submit() }
                while let (docID, text) = try await group.next() {
                    samples[docID] = try task.score(task.instances[docID], response: .generation(text))
                    progress?(samples.count, total)
                    submit()
                }
            }
        }
        logger.debug("scored task", metadata: ["task": "\(task.name)", "documents": "\(samples.count)"])
        return samples.keys.sorted().compactMap { samples[$0] }
    }
}
