import Foundation
import Testing

/// `proctor run`, `proctor loss` and `proctor tasks` through the real binary and the real engine
/// on SmolLM2, with a small task file written here.
@Suite("Benchmarks through the CLI", .serialized)
struct BenchCommandTests {
    static let rows = [
        #"{"q": "Which is a colour?", "options": ["red", "seven", "walk"], "answer": 0}"#,
        #"{"q": "Which animal barks?", "options": ["cat", "dog", "fish"], "answer": 1}"#,
        #"{"q": "What is frozen water?", "options": ["steam", "sand", "ice"], "answer": 2}"#,
        #"{"q": "Which number is even?", "options": ["four", "three", "five"], "answer": 0}"#,
    ]

    /// A folder with `quiz.yaml` and its data; `text` replaces the prompt template.
    func taskFolder(text: String = "Question: {{q}}\\nAnswer:", rows: [String] = rows) throws -> String {
        let folder = try CLIRunner.temporaryFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/data", withIntermediateDirectories: true)
        try (rows.joined(separator: "\n") + "\n").write(
            toFile: "\(folder)/data/quiz.jsonl", atomically: true, encoding: .utf8)
        let yaml = """
            task: quiz
            output_type: multiple_choice
            dataset:
              path: quiz.jsonl
              format: jsonl
            doc_to_text: "\(text)"
            doc_to_choice: "{{options}}"
            doc_to_target: "{{answer}}"
            metric_list:
              - metric: acc
              - metric: acc_norm
            """
        try yaml.write(toFile: "\(folder)/quiz.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    func run(_ folder: String, extra: [String] = []) async throws -> CLIRunner.Output {
        try await CLIRunner.run(
            [
                "run", "--model", "local:smollm2-135m-instruct", "--tasks", "quiz", "--include", "\(folder)/quiz.yaml",
                "--data-dir", "\(folder)/data", "--offline", "--quiet", "--store", "\(folder)/store.sqlite",
                "--out", "\(folder)/out",
            ] + extra)
    }

    @Test func runScoresRecordsAndRerunsWithoutModelCalls() async throws {
        let folder = try taskFolder()
        let first = try await run(folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("quiz"))
        #expect(first.stdout.contains("acc"))
        #expect(!first.stdout.contains(" 0 model calls"))
        let results =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/out/results.json"))) as? [String: Any]
        let quiz = (results?["results"] as? [String: Any])?["quiz"] as? [String: Any]
        let acc = try #require(quiz?["acc,none"] as? Double)
        #expect(acc >= 0 && acc <= 1)
        #expect(quiz?["acc_stderr,none"] != nil)
        let samples = try String(contentsOfFile: "\(folder)/out/samples_quiz.jsonl", encoding: .utf8)
        #expect(samples.split(separator: "\n").count == 4)
        #expect(samples.contains("\"loglikelihoods\""))

        // The same command again: every document comes from the store, the same numbers print.
        let second = try await run(folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains(" 0 model calls"))
        let table = { (text: String) in text.split(separator: "\n").filter { $0.contains("acc") } }
        #expect(table(first.stdout) == table(second.stdout))
        #expect(try String(contentsOfFile: "\(folder)/out/samples_quiz.jsonl", encoding: .utf8) == samples)
    }

    @Test func badInputIsOneClearLineAndExitCode2() async throws {
        let folder = try taskFolder()
        let unknown = try await CLIRunner.run([
            "run", "--model", "local:smollm2-135m-instruct", "--tasks", "arc_esy", "--offline",
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("arc_easy"))

        let zero = try await run(folder, extra: ["--limit", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--limit"))

        let missingField = try taskFolder(text: "Question: {{question}}\\nAnswer:")
        let template = try await run(missingField)
        #expect(template.status == 2)
        #expect(template.stderr.contains("quiz.yaml") && template.stderr.contains("question"), "\(template.stderr)")

        var rows = Self.rows
        rows[2] = #"{"q": "What is frozen water?", "answer": 2}"#
        let badRow = try taskFolder(rows: rows)
        let row = try await run(badRow)
        #expect(row.status == 2)
        #expect(row.stderr.contains("quiz.jsonl") && row.stderr.contains("3"), "\(row.stderr)")
        #expect(row.stderr.contains("options"), "\(row.stderr)")
    }

    @Test func lossReportsPerplexityAndTasksListsBuiltIns() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 20)
        try text.write(toFile: "\(folder)/text.txt", atomically: true, encoding: .utf8)
        let loss = try await CLIRunner.run([
            "loss", "--model", "local:smollm2-135m-instruct", "--text", "\(folder)/text.txt", "--format", "json",
        ])
        #expect(loss.status == 0, "\(loss.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(loss.stdout.utf8)) as? [String: Any]
        let perplexity = try #require(object?["perplexity"] as? Double)
        let tokens = try #require(object?["tokens"] as? Double)
        #expect(perplexity > 1 && perplexity < 1000)
        #expect(tokens > 100)

        let tasks = try await CLIRunner.run(["tasks"])
        #expect(tasks.status == 0)
        for name in ["arc_easy", "arc_challenge", "mmlu", "hellaswag", "piqa", "truthfulqa_mc1", "gsm8k"] {
            #expect(tasks.stdout.contains(name))
        }
    }
}
