import ArgumentParser
import Foundation
import Logging
import ProctorCore

/// Entry point. Every failure ends as one clear line on stderr and exit code 2 (bad input,
/// misuse); `--help` prints to stdout and exits 0; deliberate exit codes pass through.
@main
enum ProctorMain {
    static func main() async {
        do {
            var command = try Proctor.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ProctorError {
            Console.error("proctor: error: \(error)")
            exit(2)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            if Proctor.exitCode(for: error) == .success {
                print(Proctor.fullMessage(for: error))
                exit(0)
            }
            Console.error(Proctor.fullMessage(for: error))
            exit(2)
        }
    }
}

struct Proctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract: "Evaluate language models: instruction-following tests judged by a model, on local GGUF files "
            + "or any OpenAI-compatible server.",
        discussion: """
            Model specs (for --model and --judge):
              local:smollm2-135m-instruct   SmolLM2-135M-Instruct from `proctor runtime install`
              local:gemma3-270m             Gemma-3-270M (base) from `proctor runtime install`
              gguf:PATH                     any GGUF file, run in-process by llama.cpp
              openai:MODEL                  api.openai.com (key from OPENAI_API_KEY)
              ollama:MODEL                  an Ollama server on 127.0.0.1:11434
              http://HOST:PORT/v1#MODEL     any OpenAI-compatible server (vLLM, llama.cpp, ...)

            Start with:
              proctor runtime install
              proctor ift --data Examples/demo/ift-demo.json --split all \\
                  --model local:smollm2-135m-instruct --model local:gemma3-270m \\
                  --judge local:smollm2-135m-instruct
            """,
        subcommands: [
            IFTCommand.self, BenchCommand.self, LossCommand.self, TasksCommand.self, GenerateCommand.self,
            RunsCommand.self, ShowCommand.self, ExportCommand.self,
            ResumeCommand.self, RemoveCommand.self, CacheCommand.self, RuntimeCommand.self, JudgeCommand.self,
            MTBenchCommand.self, ScoreCommand.self, CompareCommand.self, CorrelateCommand.self,
        ]
    )
}

/// Writing to the terminal's streams.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// Options every command that logs shares.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log more detail to stderr (repeat for debug).")
    var verbose: Int

    func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose >= 2 ? .debug : verbose == 1 ? .info : .warning
        return logger
    }
}
