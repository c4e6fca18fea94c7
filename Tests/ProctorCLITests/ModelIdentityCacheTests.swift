import Foundation
import Testing

/// Two different GGUF files asked the same requests never share a cache entry, while the
/// same file under another path does (the key is the file's SHA-256, not its name).
@Suite("Cache keys follow the model file", .serialized)
struct ModelIdentityCacheTests {
    func runtimeModel(_ name: String) throws -> String {
        let manifest = try String(
            contentsOfFile: "\(CLIRunner.checkout)/.proctor-runtime/runtime.env", encoding: .utf8)
        let key = "MODEL_" + name.uppercased().replacingOccurrences(of: "-", with: "_") + "="
        let line = try #require(manifest.split(separator: "\n").first { $0.hasPrefix(key) })
        return String(line.dropFirst(key.count))
    }

    func calls(_ output: CLIRunner.Output) -> Int? {
        guard let range = output.stdout.range(of: #": (\d+) model calls"#, options: .regularExpression) else {
            return nil
        }
        return Int(output.stdout[range].filter(\.isNumber))
    }

    @Test func differentFilesNeverShareSameFileDoes() async throws {
        let smol = try runtimeModel("smollm2-135m-instruct")
        let gemma = try runtimeModel("gemma3-270m")
        let folder = try CLIRunner.temporaryFolder()
        let copy = "\(folder)/renamed-copy.gguf"
        try FileManager.default.copyItem(atPath: smol, toPath: copy)
        func run(_ model: String) async throws -> CLIRunner.Output {
            try await CLIRunner.run([
                "ift", "--data", "Examples/demo/ift-demo.json", "--split", "all", "--limit", "2", "--max-tokens", "8",
                "--prompt-style", "raw", "--model", "gguf:\(model)", "--judge", "gguf:\(smol)",
                "--store", "\(folder)/s.sqlite", "--out", "\(folder)/out", "--quiet",
            ])
        }
        let first = try await run(smol)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(calls(first) ?? 0 >= 4)
        // Gemma gets the same two generation requests: both must reach Gemma.
        let other = try await run(gemma)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(calls(other) ?? 0 >= 2)
        // A byte-identical copy under another name is the same model: nothing is asked again.
        let same = try await run(copy)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(calls(same) == 0)
    }
}
