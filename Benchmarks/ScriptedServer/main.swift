import Foundation
import ProctorTesting

/// `proctor-scripted-server [PORT_FILE]`: serves deterministic OpenAI-compatible answers on
/// 127.0.0.1 (ephemeral port, written to PORT_FILE) until stdin closes, for benchmarks that
/// need an HTTP model. Judge prompts get "80"; other prompts an answer derived from the
/// instruction. `SCRIPTED_LATENCY_MS` delays every answer (a model's think time).
@main
enum ScriptedServerMain {
    static func main() async throws {
        let latency = Double(ProcessInfo.processInfo.environment["SCRIPTED_LATENCY_MS"] ?? "0").map { $0 / 1000 } ?? 0
        try await serve(portFile: CommandLine.arguments.dropFirst().first, latency: latency)
    }

    nonisolated static func serve(portFile: String?, latency: Double) async throws {
        try await ScriptedOpenAIServer.withServer(defaultResponse: { request in
            let body = request.bodyString
            if request.isModelList { return .models(["m", "j"]) }
            let answer: ScriptedResponse
            if body.contains("score the model response") {
                answer = .chat(text: "80")
            } else {
                // The body is JSON text, where a newline is the two characters backslash and n.
                let marker = "### Instruction:\\n"
                let instruction = body.components(separatedBy: marker).dropFirst().first?.prefix(12) ?? "?"
                answer = .chat(text: "answer to \(instruction)", promptTokens: 20, completionTokens: 4)
            }
            return latency > 0 ? .delay(latency, then: answer) : answer
        }) { server in
            if let portFile { try "\(server.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            print("listening on \(server.baseURL)")
            // Run until the parent closes our stdin.
            while readLine() != nil {}
            print("served \(server.requestCount) requests")
        }
    }
}
