import Foundation
import ProctorCore

/// `ModelBackend` over the in-process engine.
public struct LlamaBackend: LoglikelihoodBackend {
    public let engine: LlamaEngine
    public let name: String
    public let defaultPromptStyle: PromptStyle

    public init(engine: LlamaEngine, name: String, defaultPromptStyle: PromptStyle? = nil) {
        self.engine = engine
        self.name = name
        self.defaultPromptStyle = defaultPromptStyle ?? (engine.model.chatTemplate == nil ? .raw : .chat)
    }

    /// Loads a GGUF file into a new engine.
    public static func load(
        path: String, name: String? = nil, defaultPromptStyle: PromptStyle? = nil, runtime: LlamaRuntime,
        config: LlamaEngineConfig = LlamaEngineConfig()
    ) throws -> LlamaBackend {
        let model = try LlamaModel(path: path, runtime: runtime)
        let engine = try LlamaEngine(model: model, config: config)
        let label = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return LlamaBackend(engine: engine, name: label, defaultPromptStyle: defaultPromptStyle)
    }

    public var maxConcurrency: Int { 1 }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        try Task.checkCancellation()
        return try await engine.generate(request)
    }

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try Task.checkCancellation()
        return try await engine.loglikelihood(requests)
    }

    public func rollingLoglikelihood(_ text: String) async throws -> RollingLoglikelihoodResult {
        try Task.checkCancellation()
        return try await engine.rollingLoglikelihood(text)
    }

    public var tokenCounts: EvaluationTokenCounts { engine.scoringTokenCounts }
}
