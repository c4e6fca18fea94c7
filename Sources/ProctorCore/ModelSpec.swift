import Foundation

/// Where a model lives, parsed from the `--model`/`--judge` spec strings:
///
/// - `gguf:PATH`: a local GGUF file run in-process by llama.cpp
/// - `local:NAME`: a model installed by `proctor runtime install` (`smollm2-135m-instruct`, `gemma3-270m`)
/// - `openai:MODEL`: api.openai.com, key from `OPENAI_API_KEY`
/// - `ollama:MODEL`: an Ollama server on 127.0.0.1:11434
/// - `http://HOST:PORT/v1#MODEL` (or https): any OpenAI-compatible server
public enum ModelSpec: Sendable, Hashable, CustomStringConvertible {
    case gguf(path: String)
    case local(name: String)
    case http(baseURL: String, model: String, apiKeyEnv: String?)

    /// Names accepted after `local:`.
    public static let localModels = ["smollm2-135m-instruct", "gemma3-270m"]

    public init(parsing raw: String) throws {
        let spec = raw.trimmingCharacters(in: .whitespaces)
        if spec.hasPrefix("gguf:") {
            let path = String(spec.dropFirst(5))
            guard !path.isEmpty else { throw ProctorError.unknownModelSpec(raw, hint: "gguf: needs a file path") }
            self = .gguf(path: path)
        } else if spec.hasPrefix("local:") {
            let name = String(spec.dropFirst(6)).lowercased()
            guard Self.localModels.contains(name) else {
                throw ProctorError.unknownModelSpec(
                    raw, hint: "known local models: \(Self.localModels.joined(separator: ", "))")
            }
            self = .local(name: name)
        } else if spec.hasPrefix("openai:") {
            let model = String(spec.dropFirst(7))
            guard !model.isEmpty else { throw ProctorError.unknownModelSpec(raw, hint: "openai: needs a model name") }
            self = .http(baseURL: "https://api.openai.com/v1", model: model, apiKeyEnv: "OPENAI_API_KEY")
        } else if spec.hasPrefix("ollama:") {
            let model = String(spec.dropFirst(7))
            guard !model.isEmpty else { throw ProctorError.unknownModelSpec(raw, hint: "ollama: needs a model name") }
            self = .http(baseURL: "http://127.0.0.1:11434/v1", model: model, apiKeyEnv: nil)
        } else if spec.hasPrefix("http://") || spec.hasPrefix("https://") {
            guard let hash = spec.lastIndex(of: "#") else {
                throw ProctorError.unknownModelSpec(raw, hint: "an HTTP spec needs the model name after '#'")
            }
            var base = String(spec[..<hash])
            let model = String(spec[spec.index(after: hash)...])
            while base.hasSuffix("/") { base.removeLast() }
            guard !model.isEmpty, URL(string: base)?.host != nil else {
                throw ProctorError.unknownModelSpec(raw, hint: "expected http://HOST:PORT/v1#MODEL")
            }
            self = .http(baseURL: base, model: model, apiKeyEnv: nil)
        } else {
            throw ProctorError.unknownModelSpec(
                raw,
                hint: "use gguf:PATH, local:NAME (\(Self.localModels.joined(separator: ", "))), "
                    + "openai:MODEL, ollama:MODEL or http://HOST:PORT/v1#MODEL")
        }
    }

    /// A short label for tables and file names.
    public var label: String {
        switch self {
        case .gguf(let path): return URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        case .local(let name): return name
        case .http(_, let model, _): return model
        }
    }

    public var description: String {
        switch self {
        case .gguf(let path): return "gguf:\(path)"
        case .local(let name): return "local:\(name)"
        case .http(let base, let model, _): return "\(base)#\(model)"
        }
    }

    /// The label made safe for a file name.
    public var fileSlug: String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        return String(label.map { allowed.contains($0) ? $0 : "_" })
    }
}
