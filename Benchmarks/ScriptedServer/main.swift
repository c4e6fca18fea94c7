import Foundation
import ProctorTesting

/// `proctor-scripted-server [PORT_FILE]`: serves deterministic OpenAI-compatible answers on
/// 127.0.0.1 (ephemeral port, written to PORT_FILE) until stdin closes, for benchmarks that
/// need an HTTP model whose cost is near zero. Judge prompts get "80"; other prompts an
/// answer derived from the instruction.
@main
enum ScriptedServerMain {
    static func main() async throws {
        try await serve(portFile: CommandLine.arguments.dropFirst().first)
    }

    nonisolated static func serve(portFile: String?) async throws {
        try await ScriptedOpenAIServer.withServer(defaultResponse: { request in
            let body = request.bodyString
            if request.isModelList { return .models(["m", "j"]) }
            if body.contains("score the model response") { return .chat(text: "80") }
            let instruction = body.components(separatedBy: "### Instruction:\\n").dropFirst().first?.prefix(12) ?? "?"
            return .chat(text: "answer to \(instruction)", promptTokens: 20, completionTokens: 4)
        }) { server in
            if let portFile { try "\(server.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            print("listening on \(server.baseURL)")
            // Run until the parent closes our stdin.
            while let _ = readLine() {}
            print("served \(server.requestCount) requests")
        }
    }
}
