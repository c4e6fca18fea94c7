import ArgumentParser
import Foundation
import ProctorCore
import ProctorLlama

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Ask one model one prompt and print its answer (to try a model or a server).",
        discussion: """
            Example:
              proctor generate --model local:smollm2-135m-instruct "What is the capital of France?"
              proctor generate --model local:gemma3-270m --raw --max-tokens 20 "The capital of France is"
            """
    )

    @Argument(help: "The prompt text.")
    var prompt: String

    @Option(help: ArgumentHelp("Model spec (see `proctor --help`).", valueName: "spec"))
    var model: String

    @Flag(help: "Send the text as is (raw completion) instead of through the chat template.")
    var raw = false

    @Option(help: "Most new tokens.")
    var maxTokens: Int = 128

    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Double = 0

    @Option(help: "Seed for sampling.")
    var seed: UInt64?

    @Option(help: "Stop before this text (repeatable).")
    var stop: [String] = []

    @Flag(help: "Print the rendered prompt and token counts to stderr.")
    var showPrompt = false

    @OptionGroup var http: HTTPOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if maxTokens <= 0 { throw ValidationError("--max-tokens must be at least 1") }
        if temperature < 0 { throw ValidationError("--temperature cannot be negative") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "proctor.generate")
        try await BackendFactory.withFactory(logger: logger) { factory in
            http.apply(to: factory)
            let (_, backend) = try factory.backend(for: model)
            let request = GenerationRequest(
                prompt: raw ? .text(prompt) : backend.prompt(prompt),
                settings: GenerationSettings(maxTokens: maxTokens, temperature: temperature, seed: seed, stop: stop))
            if showPrompt, let local = backend as? LlamaBackend {
                Console.error("--- rendered prompt ---\n\(try local.engine.render(request.prompt))\n---")
            }
            let result = try await backend.generate(request)
            print(result.text)
            if showPrompt {
                Console.error(
                    "prompt tokens \(result.promptTokens), completion tokens \(result.completionTokens), "
                        + String(
                            format: "%.1f tok/s", Double(result.completionTokens) / max(result.generationSeconds, 1e-9))
                        + ", finish \(result.finishReason.rawValue)")
            }
        }
    }
}
