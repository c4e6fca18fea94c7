import Foundation
import Logging

/// The instruction-following test of chapter 7: generate each model's answer to every test
/// item, then have a judge score each answer 0-100 against the reference.
///
/// Nothing is dropped: an item whose generation or judging fails keeps its place with the
/// error recorded, so scores stay aligned with items and the summary says "scored N of M".
public struct InstructionTest: Sendable {
    public var generation: GenerationSettings
    /// nil: each backend's default style (chat for instruct models, raw for base models).
    public var promptStyle: PromptStyle?
    public var logger: Logger

    public init(
        generation: GenerationSettings = GenerationSettings(maxTokens: 256, temperature: 0, seed: 0),
        promptStyle: PromptStyle? = nil, logger: Logger
    ) {
        self.generation = generation
        self.promptStyle = promptStyle
        self.logger = logger
    }

    /// Generates answers for every item; failures are recorded per item.
    public func generate(
        items: [InstructionItem], spec: String, backend: any ModelBackend, progress: any ProgressSink
    ) async -> ModelEvaluation {
        let style = promptStyle ?? backend.defaultPromptStyle
        var settings = generation
        if style == .raw { settings.stop = Array(Set(settings.stop + AlpacaPrompt.rawStops)).sorted() }
        let counter = ProgressCounter(sink: progress, phase: "\(backend.name): generating", total: items.count)
        let start = ContinuousClock.now
        let logger = self.logger
        let requestSettings = settings
        let entries = await concurrentMap(items, limit: backend.maxConcurrency) { _, item in
            var entry = AnnotatedEntry(item: item)
            let request = GenerationRequest(
                prompt: backend.prompt(AlpacaPrompt.generationPrompt(item), style: style), settings: requestSettings)
            do {
                let result = try await backend.generate(request)
                entry.modelResponse = AlpacaPrompt.cleanResponse(result.text)
                entry.promptTokens = result.promptTokens
                entry.completionTokens = result.completionTokens
                entry.generationSeconds = result.totalSeconds
                counter.complete(tokens: result.completionTokens)
            } catch {
                logger.warning("generation failed", metadata: ["item": "\(item.sourceIndex)", "error": "\(error)"])
                entry.error = "generation: \(error)"
                counter.complete()
            }
            return entry
        }
        let wall = start.duration(to: .now)
        return ModelEvaluation(
            model: backend.name, spec: spec, judge: "", entries: entries,
            generationWallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18,
            generatedTokens: entries.reduce(0) { $0 + ($1.completionTokens ?? 0) })
    }

    /// Scores every answered entry; entries without an answer stay unscored.
    public func judge(
        _ evaluation: ModelEvaluation, with judge: any Judge, progress: any ProgressSink
    ) async -> ModelEvaluation {
        var result = evaluation
        result.judge = judge.name
        let counter = ProgressCounter(
            sink: progress, phase: "\(judge.name): judging \(evaluation.model)", total: evaluation.entries.count)
        let logger = self.logger
        result.entries = await concurrentMap(evaluation.entries, limit: judge.maxConcurrency) { _, entry in
            var entry = entry
            guard let response = entry.modelResponse, entry.error == nil else {
                counter.complete()
                return entry
            }
            do {
                let verdict = try await judge.grade(entry.item, response: response)
                entry.score = verdict.score
                entry.parseStatus = verdict.status
                entry.judgeReply = verdict.rawReply
                entry.judgeReplies = verdict.replies.count > 1 ? verdict.replies : nil
                counter.complete(tokens: verdict.completionTokens)
            } catch {
                logger.warning("judging failed", metadata: ["item": "\(entry.index)", "error": "\(error)"])
                entry.error = "judge: \(error)"
                counter.complete()
            }
            return entry
        }
        return result
    }
}

/// Writes evaluation files atomically (temporary file, then rename), so a file on disk is
/// always complete and valid JSON even if the process dies mid-write.
public enum EvaluationWriter {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = try encoder().encode(value)
            try data.write(to: url, options: .atomic)
        } catch let error as ProctorError {
            throw error
        } catch {
            throw ProctorError.ioFailure(path, detail: "\(error)")
        }
    }

    /// The annotated entries of one model, in the book's layout (a JSON array).
    public static func writeEntries(_ evaluation: ModelEvaluation, directory: String, slug: String) throws -> String {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(slug)-responses.json").path
        try write(evaluation.entries, to: path)
        return path
    }

    public static func loadEntries(from path: String) throws -> [AnnotatedEntry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ProctorError.fileNotFound(path) }
        do {
            return try JSONDecoder().decode([AnnotatedEntry].self, from: data)
        } catch {
            throw ProctorError.invalidJSON(file: path, line: nil, detail: "\(error)")
        }
    }
}
