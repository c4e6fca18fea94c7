import Foundation
import Logging
import ProctorBench
import ProctorCore

/// One `proctor run`: sends each task's requests in prefix-sharing batches, scores and records
/// every document as its batch completes, and writes the results.
struct BenchSession {
    let command: BenchCommand
    let tasks: [BenchTask]
    let groups: [TaskGroupDefinition]
    let store: (any ResultStore)?
    let logger: Logger

    func execute() async throws {
        let started = ContinuousClock.now
        let progress = ConsoleProgress(quiet: command.quiet)
        let outcome = try await BackendFactory.withFactory(logger: logger) { factory in
            command.http.apply(to: factory)
            let (spec, backend) = try factory.backend(for: command.model)
            let identity = try await factory.identity(of: spec, backend: backend, store: store)
            let config = BenchRunConfig(
                model: identity.canonical, tasks: tasks.map(\.name),
                taskDefinitions: try tasks.map(Self.requestDigest), numFewshot: command.numFewshot,
                limit: command.limit,
                documents: Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0.instances.count) }),
                proctorVersion: ProctorCore.Proctor.version)
            let configJSON = try config.json()
            let runID = "run-" + RequestFingerprint.sha256Hex(Data(configJSON.utf8)).prefix(12)
            if let store {
                _ = try await store.beginRun(
                    RunRecord(
                        id: runID, kind: "bench", arguments: Array(CommandLine.arguments.dropFirst()),
                        config: configJSON, models: [spec.description], tasks: tasks.map(\.name)))
                logger.info("run", metadata: ["id": "\(runID)", "store": "\(store.location)"])
            }
            do {
                let result = try await evaluate(backend: backend, runID: runID, progress: progress)
                return (runID, spec.description, result)
            } catch {
                try? await store?.finishRun(id: runID, status: .failed, summary: nil)
                throw error
            }
        }
        let (runID, modelName, result) = outcome
        let report = BenchReport(tasks: tasks, groups: groups, samples: result.samples)
        try write(report: report, samples: result.samples, model: modelName)
        let seconds = Self.seconds(started.duration(to: .now))
        try await store?.finishRun(id: runID, status: .finished, summary: headline(report))
        print(report.table())
        print(
            String(
                format: "%@: %d documents in %.1f s; %d model calls; tokens evaluated %d of %d in the plain requests",
                modelName, result.samples.values.reduce(0) { $0 + $1.count }, seconds, result.calls,
                result.tokens.evaluated, result.tokens.requested))
        print("Results in \(command.out)/results.json and \(command.out)/samples_<task>.jsonl")
        if let store { print("Run \(runID) in \(store.location)") }
    }

    struct Outcome {
        var samples: [String: [SampleResult]] = [:]
        var calls = 0
        var tokens = EvaluationTokenCounts()
    }

    private func evaluate(backend: any ModelBackend, runID: String, progress: ConsoleProgress) async throws -> Outcome {
        var outcome = Outcome()
        let recorded = try await storedResponses(runID: runID)
        let scorer = backend as? any LoglikelihoodBackend
        for task in tasks {
            var samples: [SampleResult?] = Array(repeating: nil, count: task.instances.count)
            var pending: [Int] = []
            for (index, instance) in task.instances.enumerated() {
                if let stored = recorded[task.name]?[index] {
                    samples[index] = try task.score(instance, response: stored.response)
                } else {
                    pending.append(index)
                }
            }
            let counter = ProgressCounter(sink: progress, phase: task.name, total: pending.count)
            let positions = Dictionary(
                uniqueKeysWithValues: task.instances.enumerated().map { ($0.element, $0.offset) })
            let batches = BenchInstance.prefixBatches(
                pending.map { task.instances[$0] }, maxRequests: command.batchRequests)
            for batch in batches {
                let before = scorer?.tokenCounts ?? EvaluationTokenCounts()
                let responses = try await answer(batch, backend: backend, scorer: scorer)
                outcome.calls += 1
                let after = scorer?.tokenCounts ?? EvaluationTokenCounts()
                var records: [(index: Int, json: String)] = []
                for (instance, response) in zip(batch, responses) {
                    let index = positions[instance]!
                    let sample = try task.score(instance, response: response)
                    samples[index] = sample
                    records.append((index, try Self.record(sample, response: response)))
                }
                try await store?.saveRecords(runID: runID, group: task.name, records: records)
                outcome.tokens.requested += after.requested - before.requested
                outcome.tokens.evaluated += after.evaluated - before.evaluated
                for _ in batch.dropLast() { counter.complete() }
                counter.complete(tokens: after.evaluated - before.evaluated)
            }
            outcome.samples[task.name] = samples.compactMap { $0 }
        }
        return outcome
    }

    /// Sends one batch: loglikelihood requests in one call, generations one by one (the
    /// backend caps its own concurrency), rolling texts one by one.
    private func answer(
        _ batch: [BenchInstance], backend: any ModelBackend, scorer: (any LoglikelihoodBackend)?
    ) async throws -> [BenchResponse] {
        var flat: [LoglikelihoodRequest] = []
        for instance in batch {
            if case .loglikelihood(let requests) = instance.request { flat += requests }
        }
        var scored: [LoglikelihoodResult] = []
        if !flat.isEmpty || batch.contains(where: { if case .rolling = $0.request { true } else { false } }) {
            guard let scorer else {
                throw ProctorError.invalidArgument(
                    "\(backend.name) cannot score loglikelihoods; use the in-process engine or an HTTP server "
                        + "that returns prompt logprobs", field: "model")
            }
            if !flat.isEmpty { scored = try await scorer.loglikelihood(flat) }
        }
        var offset = 0
        var responses: [BenchResponse] = []
        for instance in batch {
            switch instance.request {
            case .loglikelihood(let requests):
                responses.append(.loglikelihood(Array(scored[offset..<(offset + requests.count)])))
                offset += requests.count
            case .generation(let request):
                responses.append(.generation(try await backend.generate(request).text))
            case .rolling(let text):
                responses.append(.rolling(try await scorer!.rollingLoglikelihood(text)))
            }
        }
        return responses
    }

    /// Answers already recorded for this run, by task and document position.
    private func storedResponses(runID: String) async throws -> [String: [Int: StoredBenchResponse]] {
        guard let store, !command.storeOptions.noCache else { return [:] }
        var result: [String: [Int: StoredBenchResponse]] = [:]
        for record in try await store.records(runID: runID) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(record.json.utf8)) as? [String: Any],
                let stored = object["stored_response"],
                let data = try? JSONSerialization.data(withJSONObject: stored),
                let response = try? JSONDecoder().decode(StoredBenchResponse.self, from: data)
            else { continue }
            result[record.group, default: [:]][record.index] = response
        }
        return result
    }

    /// A digest of every request a task sends: the run id changes when a prompt does, not when
    /// only scoring changes (then the stored answers are re-scored).
    static func requestDigest(_ task: BenchTask) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = task.name
        for instance in task.instances {
            switch instance.request {
            case .loglikelihood(let requests): text += String(decoding: try encoder.encode(requests), as: UTF8.self)
            case .generation(let request): text += String(decoding: try encoder.encode(request), as: UTF8.self)
            case .rolling(let body): text += String(decoding: try encoder.encode([body]), as: UTF8.self)
            }
        }
        return task.name + ":" + RequestFingerprint.sha256Hex(Data(text.utf8)).prefix(16)
    }

    static func record(_ sample: SampleResult, response: BenchResponse) throws -> String {
        let stored = String(decoding: try JSONEncoder().encode(StoredBenchResponse(response)), as: UTF8.self)
        guard case .object(var pairs) = BenchReport.sampleRecord(sample) else {
            return BenchReport.sampleRecord(sample).compactText()
        }
        pairs.append(("stored_response", try JSONValue.parse(stored, file: "stored response")))
        return JSONValue.object(pairs).compactText()
    }

    private func write(report: BenchReport, samples: [String: [SampleResult]], model: String) throws {
        try FileManager.default.createDirectory(atPath: command.out, withIntermediateDirectories: true)
        let config = JSONValue.object([
            ("model", .string(model)), ("num_fewshot", command.numFewshot.map { .int($0) } ?? .null),
            ("limit", command.limit.map { .int($0) } ?? .null),
            ("proctor_version", .string(ProctorCore.Proctor.version)),
        ])
        try Self.atomicWrite(report.lmEvalJSON(config: config).prettyText(), to: "\(command.out)/results.json")
        for (task, list) in samples {
            let lines = list.map { BenchReport.sampleRecord($0).compactText() }.joined(separator: "\n")
            try Self.atomicWrite(lines + "\n", to: "\(command.out)/samples_\(task).jsonl")
        }
    }

    private func headline(_ report: BenchReport) -> String? {
        let json = report.lmEvalJSON()
        guard case .object(let pairs) = json, let results = pairs.first(where: { $0.0 == "results" })?.1 else {
            return nil
        }
        return results.compactText()
    }

    static func atomicWrite(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ProctorError.ioFailure(path, detail: "\(error)")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
