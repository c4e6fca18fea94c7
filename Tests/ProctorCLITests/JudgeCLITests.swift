import Foundation
import ProctorTesting
import Testing

/// `proctor judge` and `proctor mtbench` through the real binary, with a scripted
/// OpenAI-compatible judge on 127.0.0.1 that counts every request.
@Suite("Judge commands", .serialized)
struct JudgeCLITests {
    /// Batch prompts get a JSON object for every "Model k" in the prompt; single prompts a [[rating]];
    /// pairwise prompts a verdict.
    static let responder: @Sendable (RecordedRequest) -> ScriptedResponse = { request in
        if request.isModelList { return .models(["j"]) }
        let body = request.bodyString
        if body.contains("[The Start of Model 1") {
            let count = (1...9).filter { body.contains("[The Start of Model \($0)'s Answer]") }.count
            let fields = (1...count).map { "\"Model \($0)\": {\"score\": \($0 + 4), \"comments\": \"ok\"}" }
            return .chat(text: "{" + fields.joined(separator: ", ") + "}", promptTokens: 100, completionTokens: 30)
        }
        if body.contains("Assistant B") {
            return .chat(text: "Both fine. [[A]]", promptTokens: 80, completionTokens: 5)
        }
        return .chat(text: "Good answer. Rating: [[7]]", promptTokens: 50, completionTokens: 6)
    }

    static func chatRequests(_ server: ScriptedOpenAIServer) -> Int {
        server.requests.filter { $0.path.contains("chat/completions") }.count
    }

    static func iftFiles(_ folder: String, models: [String], items: Int, misalign: Bool = false) throws -> [String] {
        try models.enumerated().map { modelIndex, model in
            let count = misalign && modelIndex == models.count - 1 ? items - 1 : items
            let entries = (0..<count).map { index in
                "{\"index\": \(index), \"instruction\": \"Task \(index)\", \"input\": \"\", \"output\": \"Ref \(index)\", "
                    + "\"model_response\": \"\(model) answer \(index)\", \"score\": null, \"judge_reply\": null}"
            }
            let path = "\(folder)/\(model)-responses.json"
            try ("[\n" + entries.joined(separator: ",\n") + "\n]\n").write(
                toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    @Test func batchMakesOneThirdOfTheCallsOfSingleAndBothStay() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let files = try Self.iftFiles(folder, models: ["alpha", "beta", "gamma"], items: 110)
        let store = "\(folder)/s.sqlite"
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            let common =
                files.flatMap { ["--answers", $0] } + [
                    "--judge", "\(server.baseURL)#j", "--store", store, "--quiet", "--concurrency", "4",
                ]
            let batch = try await CLIRunner.run(["judge", "run", "--mode", "batch", "--out", "\(folder)/b"] + common)
            #expect(batch.status == 0, "\(batch.stderr)")
            #expect(Self.chatRequests(server) == 110)
            #expect(batch.stdout.contains("110 judge calls reached the model"), "\(batch.stdout)")
            #expect(batch.stdout.contains("Position in the batch prompt"))
            let single = try await CLIRunner.run(["judge", "run", "--mode", "single"] + common)
            #expect(single.status == 0, "\(single.stderr)")
            #expect(Self.chatRequests(server) == 110 + 330)
            #expect(single.stdout.contains("330 judge calls reached the model"))
            #expect(single.stdout.contains("7.00"), "\(single.stdout)")
            #expect(single.stdout.contains("cost $"))
            // Re-running batch asks nothing: the store answers.
            let again = try await CLIRunner.run(["judge", "run", "--mode", "batch"] + common)
            #expect(again.stdout.contains(": 0 judge calls reached the model"))
            #expect(Self.chatRequests(server) == 440)
            let runs = try await CLIRunner.run(["runs", "--store", store])
            #expect(runs.status == 0)
            #expect(runs.stdout.components(separatedBy: "judge-").count - 1 == 2, "\(runs.stdout)")
            let judgments = try String(contentsOfFile: "\(folder)/b/judgments.json", encoding: .utf8)
            #expect(judgments.contains("\"position\""))
        }
    }

    @Test func pairwiseAndRepeats() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let files = try Self.iftFiles(folder, models: ["alpha", "beta"], items: 6)
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            let pair = try await CLIRunner.run(
                ["judge", "--mode", "pairwise", "--judge", "\(server.baseURL)#j", "--store", "none", "--quiet"]
                    + files.flatMap { ["--answers", $0] })
            #expect(pair.status == 0, "\(pair.stderr)")
            // The scripted judge always answers [[A]]: every pair flips with the order.
            #expect(pair.stdout.contains("6 of 6 judged pairs inconsistent"), "\(pair.stdout)")
            #expect(Self.chatRequests(server) == 12)
            let repeated = try await CLIRunner.run(
                ["judge", "--judge", "\(server.baseURL)#j", "--store", "none", "--quiet", "--repeats", "3"]
                    + files.flatMap { ["--answers", $0] })
            #expect(repeated.status == 0, "\(repeated.stderr)")
            #expect(repeated.stdout.contains("Judge noise over 12 items x 3 repeats"), "\(repeated.stdout)")
            #expect(repeated.stdout.contains("noise share 0.0%"))
        }
    }

    @Test func mtbenchJudgesStoredFastChatAnswers() async throws {
        let folder = try CLIRunner.temporaryFolder()
        try """
        {"question_id": 81, "category": "writing", "turns": ["Write a poem.", "Now shorter."]}
        {"question_id": 111, "category": "math", "turns": ["What is 2+2?", "And 3+3?"]}
        """.write(toFile: "\(folder)/question.jsonl", atomically: true, encoding: .utf8)
        try
            "{\"question_id\": 111, \"model_id\": \"gpt-4\", \"choices\": [{\"index\": 0, \"turns\": [\"4\", \"6\"]}]}\n"
            .write(toFile: "\(folder)/ref.jsonl", atomically: true, encoding: .utf8)
        for model in ["m1", "m2"] {
            try """
            {"question_id": 81, "model_id": "\(model)", "choices": [{"index": 0, "turns": ["Roses.", "Rose."]}]}
            {"question_id": 111, "model_id": "\(model)", "choices": [{"index": 0, "turns": ["4", "6"]}]}
            """.write(toFile: "\(folder)/\(model).jsonl", atomically: true, encoding: .utf8)
        }
        try await ScriptedOpenAIServer.withServer(defaultResponse: Self.responder) { server in
            let output = try await CLIRunner.run([
                "mtbench", "--questions", "\(folder)/question.jsonl", "--references", "\(folder)/ref.jsonl",
                "--answers", "\(folder)/m1.jsonl", "--answers", "\(folder)/m2.jsonl", "--judge", "\(server.baseURL)#j",
                "--store", "none", "--quiet", "--out", "\(folder)/out",
            ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("turn 1") && output.stdout.contains("turn 2"), "\(output.stdout)")
            #expect(Self.chatRequests(server) == 8)
            // The math question is judged against its reference, turn 2 with the whole conversation.
            let bodies = server.requests.map(\.bodyString)
            #expect(bodies.contains { $0.contains("Reference answer") && $0.contains("And 3+3?") })
        }
    }

    @Test func reparseCountsInconsistentPairs() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let lines = [
            ("[[A]]", "[[B]]", "model_1", "model_1"), ("[[A]]", "[[A]]", "model_1", "model_2"),
            ("[[B]]", "$ERROR$", "model_2", "error"), ("$ERROR$", "$ERROR$", "error", "error"),
        ].enumerated().map { index, line in
            "{\"question_id\": \(index), \"model_1\": \"p\", \"model_2\": \"q\", \"g1_winner\": \"\(line.2)\", "
                + "\"g2_winner\": \"\(line.3)\", \"g1_judgment\": \"\(line.0)\", \"g2_judgment\": \"\(line.1)\"}"
        }
        try lines.joined(separator: "\n").write(toFile: "\(folder)/pair.jsonl", atomically: true, encoding: .utf8)
        let output = try await CLIRunner.run(["judge", "reparse", "\(folder)/pair.jsonl"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(
            output.stdout.contains("consistent 1, inconsistent 2, no verdict in either order 1"), "\(output.stdout)")
        #expect(output.stdout.contains("equals FastChat's recorded winners in 4 of 4"))
    }
}
