import Foundation
import ProctorCore
import ProctorLlama
import ProctorOpenAI

extension BackendFactory {
    /// The identity of a loaded model: the GGUF file's SHA-256 (remembered in the store by
    /// path, size and modification time, so it is computed once) plus engine settings, or the
    /// endpoint and model name of an HTTP model.
    func identity(
        of spec: ModelSpec, backend: any ModelBackend, store: (any ResultStore)?
    ) async throws -> ModelIdentity {
        if let local = backend as? LlamaBackend {
            let path = local.engine.model.path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let memo = "sha256|\(path)|\(size)|\(mtime)"
            let digest: String
            if let known = try await store?.memo(memo) {
                digest = known
            } else {
                digest = try RequestFingerprint.fileDigest(path: path)
                try await store?.setMemo(memo, value: digest)
            }
            return ModelIdentity(
                kind: "gguf", name: local.name, digest: digest,
                settings: [
                    "engine": "llama.cpp (llama-cpp-python \(LlamaRuntime.llamaCppPythonVersion))",
                    "batch": "\(local.engine.config.batchSize)",
                    "attention": local.engine.config.flashAttention ? "flash" : "standard",
                    "ubatch": "\(local.engine.config.microBatch)",
                ])
        }
        if case .http(let baseURL, let model, _) = spec {
            return ModelIdentity(kind: "http", name: model, endpoint: baseURL)
        }
        return ModelIdentity(kind: "other", name: backend.name)
    }
}
